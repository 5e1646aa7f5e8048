#pragma once

#include <optional>
#include <string>

#include <Poco/Dynamic/Var.h>

#include "util/money.h"

namespace gpucloud::billing
{

/// Formats an amount exactly, with two to six decimals: "10.00", "0.000417", "-3.50".
std::string exactDollars(util::Micros amount);

/// Parses a JSON amount of dollars exactly. A number is converted through its shortest decimal text, so 10.1 is
/// read as "10.1" and not as the binary double nearest to it. A string is parsed as written. Returns nullopt for
/// anything else and for more than six decimals.
std::optional<util::Micros> parseJsonAmount(const Poco::Dynamic::Var& value);

} // namespace gpucloud::billing
