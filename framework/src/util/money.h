#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gpucloud::util
{

/// An amount of USD in integer micro-dollars (1 USD = 1,000,000). All money arithmetic uses this type; binary
/// floating point appears only when an amount is written into a JSON response.
using Micros = std::int64_t;

constexpr Micros kMicrosPerDollar = 1000000;
constexpr Micros kMicrosPerCent = 10000;

/// Parses a decimal dollar amount such as "2.49", "0.000417" or "-3" exactly. At most six decimals; returns
/// nullopt for anything else (exponents, more decimals, overflow).
std::optional<Micros> parseDollars(const std::string& text);

/// Rounds to whole cents, half away from zero.
Micros roundToCents(Micros amount);

/// Returns the amount rounded to cents as a double, for JSON responses ("Money: rounded to cents").
double toJsonDollars(Micros amount);

/// Returns the amount as a double with full micro-dollar precision, for rates such as 0.000417 per GB-hour.
double toJsonRate(Micros amount);

/// Formats the amount rounded to cents with two decimals: "12.30", "-0.05".
std::string formatDollars(Micros amount);

/// Returns amount * numerator / denominator rounded half away from zero, without intermediate overflow for the
/// amounts this product handles (it computes in 128-bit integers).
Micros mulDiv(Micros amount, std::int64_t numerator, std::int64_t denominator);

} // namespace gpucloud::util
