#include "billing/date_range.h"

#include <cctype>

namespace gpucloud::billing
{

namespace
{

constexpr std::int64_t kSecondsPerDay = 86400;

/// Returns the days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day)
{
	year -= month <= 2 ? 1 : 0;
	std::int64_t era = (year >= 0 ? year : year - 399) / 400;
	auto yearOfEra = static_cast<unsigned>(year - era * 400);
	unsigned dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
	return era * 146097 + static_cast<std::int64_t>(dayOfEra) - 719468;
}

bool isLeapYear(int year)
{
	return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month)
{
	static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	return month == 2 && isLeapYear(year) ? 29 : days[month - 1];
}

std::int64_t startOfDay(std::int64_t unixSeconds)
{
	std::int64_t day = unixSeconds / kSecondsPerDay;
	if (unixSeconds < 0 && unixSeconds % kSecondsPerDay != 0)
		--day;
	return day * kSecondsPerDay;
}

} // namespace

std::optional<std::int64_t> parseDate(const std::string& text)
{
	if (text.size() != 10 || text[4] != '-' || text[7] != '-')
		return std::nullopt;
	for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
	{
		if (!std::isdigit(static_cast<unsigned char>(text[i])))
			return std::nullopt;
	}
	int year = std::stoi(text.substr(0, 4));
	int month = std::stoi(text.substr(5, 2));
	int day = std::stoi(text.substr(8, 2));
	if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
		return std::nullopt;
	return daysFromCivil(year, static_cast<unsigned>(month), static_cast<unsigned>(day)) * kSecondsPerDay;
}

DayRange readDayRange(http::QueryFields& fields, const http::Request& request, std::int64_t now, int maxDays,
	int defaultDays)
{
	auto read = [&](const char* name) -> std::optional<std::int64_t> {
		auto text = request.queryParameter(name);
		if (!text)
			return std::nullopt;
		auto day = parseDate(*text);
		if (!day)
			fields.fail(name, "Input should be a valid date in the format YYYY-MM-DD", "date_from_datetime_parsing");
		return day;
	};
	bool hasStart = request.queryParameter("start_date").has_value();
	bool hasEnd = request.queryParameter("end_date").has_value();
	std::optional<std::int64_t> start = read("start_date");
	std::optional<std::int64_t> end = read("end_date");
	if ((hasStart && !start) || (hasEnd && !end))
		return {};

	std::int64_t lastDay = end ? *end : startOfDay(now);
	std::int64_t firstDay = start ? *start : lastDay - (defaultDays - 1) * kSecondsPerDay;
	if (!end && start && firstDay > lastDay)
		lastDay = firstDay;
	if (firstDay > lastDay)
	{
		fields.fail("end_date", "end_date must not be before start_date");
		return {};
	}
	std::int64_t days = (lastDay - firstDay) / kSecondsPerDay + 1;
	if (days > maxDays)
	{
		fields.fail("end_date", "The range may span at most " + std::to_string(maxDays) + " days, not "
			+ std::to_string(days));
		return {};
	}
	return DayRange{firstDay, lastDay + kSecondsPerDay};
}

} // namespace gpucloud::billing
