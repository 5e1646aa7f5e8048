#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "http/validation.h"

namespace gpucloud::billing
{

/// Whole UTC days [from, to) in Unix seconds.
struct DayRange
{
	std::int64_t from = 0;
	std::int64_t to = 0;
};

/// Parses a YYYY-MM-DD date to the Unix time of its midnight UTC; nullopt for anything else, such as 2026-02-30.
std::optional<std::int64_t> parseDate(const std::string& text);

/// Reads `start_date` and `end_date` (inclusive) from the query: the defaults are the 30 days that end with the day
/// of `now`, and a range may not run backwards or span more than `maxDays` days. Records one 422 error per bad
/// parameter in `fields`; the returned range is meaningful only when none was recorded.
DayRange readDayRange(http::QueryFields& fields, const http::Request& request, std::int64_t now, int maxDays = 366,
	int defaultDays = 30);

} // namespace gpucloud::billing
