#include "billing/amount_text.h"

#include <charconv>
#include <cmath>

namespace gpucloud::billing
{

std::string exactDollars(util::Micros amount)
{
	bool negative = amount < 0;
	util::Micros magnitude = negative ? -amount : amount;
	std::string fraction = std::to_string(magnitude % util::kMicrosPerDollar);
	fraction.insert(0, 6 - fraction.size(), '0');
	while (fraction.size() > 2 && fraction.back() == '0')
		fraction.pop_back();
	return (negative ? "-" : "") + std::to_string(magnitude / util::kMicrosPerDollar) + "." + fraction;
}

std::optional<util::Micros> parseJsonAmount(const Poco::Dynamic::Var& value)
{
	if (value.isEmpty() || value.isBoolean())
		return std::nullopt;
	if (value.isString())
		return util::parseDollars(value.extract<std::string>());
	if (value.isInteger())
		return util::parseDollars(std::to_string(value.convert<Poco::Int64>()));
	if (!value.isNumeric())
		return std::nullopt;

	double number = value.convert<double>();
	if (!std::isfinite(number) || std::fabs(number) > 1e12)
		return std::nullopt;
	// Fixed notation with the fewest digits that read back as the same double: the text the client most likely sent.
	char text[64];
	auto result = std::to_chars(text, text + sizeof(text), number, std::chars_format::fixed);
	if (result.ec != std::errc())
		return std::nullopt;
	return util::parseDollars(std::string(text, result.ptr));
}

} // namespace gpucloud::billing
