#include "util/money.h"

#include <cctype>
#include <cstdlib>
#include <limits>

namespace gpucloud::util
{

std::optional<Micros> parseDollars(const std::string& text)
{
	std::size_t at = 0;
	bool negative = false;
	if (at < text.size() && (text[at] == '-' || text[at] == '+'))
	{
		negative = text[at] == '-';
		++at;
	}

	__int128 whole = 0;
	std::size_t wholeDigits = 0;
	while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])))
	{
		whole = whole * 10 + (text[at] - '0');
		if (whole > std::numeric_limits<Micros>::max() / kMicrosPerDollar)
			return std::nullopt;
		++at;
		++wholeDigits;
	}

	Micros fraction = 0;
	std::size_t fractionDigits = 0;
	if (at < text.size() && text[at] == '.')
	{
		++at;
		while (at < text.size() && std::isdigit(static_cast<unsigned char>(text[at])))
		{
			if (++fractionDigits > 6)
				return std::nullopt;
			fraction = fraction * 10 + (text[at] - '0');
			++at;
		}
	}
	if (at != text.size() || wholeDigits + fractionDigits == 0)
		return std::nullopt;
	for (std::size_t i = fractionDigits; i < 6; ++i)
		fraction *= 10;

	Micros amount = static_cast<Micros>(whole) * kMicrosPerDollar + fraction;
	return negative ? -amount : amount;
}

Micros roundToCents(Micros amount)
{
	Micros half = kMicrosPerCent / 2;
	Micros cents = amount >= 0 ? (amount + half) / kMicrosPerCent : -((-amount + half) / kMicrosPerCent);
	return cents * kMicrosPerCent;
}

double toJsonDollars(Micros amount)
{
	return static_cast<double>(roundToCents(amount) / kMicrosPerCent) / 100.0;
}

double toJsonRate(Micros amount)
{
	return static_cast<double>(amount) / static_cast<double>(kMicrosPerDollar);
}

std::string formatDollars(Micros amount)
{
	Micros cents = roundToCents(amount) / kMicrosPerCent;
	bool negative = cents < 0;
	Micros magnitude = negative ? -cents : cents;
	std::string fraction = std::to_string(magnitude % 100);
	if (fraction.size() < 2)
		fraction.insert(0, "0");
	return (negative ? "-" : "") + std::to_string(magnitude / 100) + "." + fraction;
}

Micros mulDiv(Micros amount, std::int64_t numerator, std::int64_t denominator)
{
	__int128 product = static_cast<__int128>(amount) * numerator;
	__int128 half = denominator / 2;
	__int128 result = product >= 0 ? (product + half) / denominator : -((-product + half) / denominator);
	return static_cast<Micros>(result);
}

} // namespace gpucloud::util
