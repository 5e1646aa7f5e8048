#include "pricing/static_pricing_provider.h"

#include <Poco/NumberParser.h>

#include "util/money.h"

namespace gpucloud::providers
{

namespace
{

constexpr int kMaxDiscountPercent = 90;

/// Built-in defaults, the same as the shipped config/gpucloud.ini, used for keys the section leaves out. GPU rates
/// apply only when the section prices no GPU type at all.
struct DefaultGpuRates
{
	const char* gpuType;
	const char* onDemand;
	const char* interruptible;
};
constexpr DefaultGpuRates kDefaultGpuRates[] = {
	{"5090", "0.89", "0.45"},
	{"4090", "0.59", "0.30"},
	{"6000pro", "1.89", "0.95"},
};
constexpr std::pair<int, int> kDefaultDiscounts[] = {{1, 10}, {3, 20}, {6, 30}};
constexpr const char* kDefaultStorageGbHourly = "0.00014";
constexpr const char* kDefaultNetworkTb = "2.00";

util::Micros parseRate(const std::string& fullKey, const std::string& text)
{
	std::optional<util::Micros> amount = util::parseDollars(text);
	if (!amount || *amount < 0)
	{
		throw config::ConfigError("Configuration key '" + fullKey
			+ "' must be a non-negative decimal amount in USD with at most six decimals, not '" + text + "'");
	}
	return *amount;
}

util::Micros readRate(config::ConfigSection& section, const std::string& key, const char* defaultValue)
{
	return parseRate(section.fullKey(key), section.getString(key, defaultValue));
}

/// Splits "5090.on_demand" into the GPU type and the rate name; the GPU type itself may not contain a dot.
std::pair<std::string, std::string> splitRateKey(const std::string& fullKey, const std::string& key)
{
	std::size_t dot = key.find('.');
	if (dot == std::string::npos || dot == 0 || key.find('.', dot + 1) != std::string::npos)
		throw config::ConfigError("Unknown configuration key '" + fullKey + "'; expected gpu.<type>.on_demand or gpu.<type>.interruptible");
	return {key.substr(0, dot), key.substr(dot + 1)};
}

void readGpuRates(config::ConfigSection& section, pricing::PriceList& prices)
{
	for (const auto& [key, value] : section.takeSubtree("gpu"))
	{
		std::string fullKey = section.fullKey("gpu." + key);
		auto [gpuType, rateName] = splitRateKey(fullKey, key);
		if (rateName == "on_demand")
			prices.onDemandPerGpuHour[gpuType] = parseRate(fullKey, value);
		else if (rateName == "interruptible")
			prices.interruptiblePerGpuHour[gpuType] = parseRate(fullKey, value);
		else
			throw config::ConfigError("Unknown configuration key '" + fullKey + "'; expected gpu.<type>.on_demand or gpu.<type>.interruptible");
	}

	for (const auto& [gpuType, rate] : prices.onDemandPerGpuHour)
	{
		if (prices.interruptiblePerGpuHour.count(gpuType) == 0)
			throw config::ConfigError("Configuration key '" + section.fullKey("gpu." + gpuType + ".interruptible") + "' is required");
	}
	for (const auto& [gpuType, rate] : prices.interruptiblePerGpuHour)
	{
		if (prices.onDemandPerGpuHour.count(gpuType) == 0)
			throw config::ConfigError("Configuration key '" + section.fullKey("gpu." + gpuType + ".on_demand") + "' is required");
	}
	if (!prices.onDemandPerGpuHour.empty())
		return;
	for (const DefaultGpuRates& defaults : kDefaultGpuRates)
	{
		prices.onDemandPerGpuHour[defaults.gpuType] = *util::parseDollars(defaults.onDemand);
		prices.interruptiblePerGpuHour[defaults.gpuType] = *util::parseDollars(defaults.interruptible);
	}
}

void readReservationTerms(config::ConfigSection& section, pricing::PriceList& prices)
{
	for (const auto& [months, discountPercent] : kDefaultDiscounts)
	{
		std::string key = "reserved." + std::to_string(months) + ".discount_percent";
		pricing::ReservationTerm term;
		term.months = months;
		term.discountPercent = static_cast<int>(section.getInt(key, discountPercent, 0, kMaxDiscountPercent));
		prices.reservationTerms.push_back(term);
	}
}

} // namespace

StaticPricingProvider::StaticPricingProvider(pricing::PriceList prices)
	: _prices(std::make_shared<const pricing::PriceList>(std::move(prices)))
{
}

pricing::PriceList readStaticPriceList(config::ConfigSection& section)
{
	pricing::PriceList prices;
	readGpuRates(section, prices);
	readReservationTerms(section, prices);
	prices.storagePerGbHour = readRate(section, "storage_gb_hourly", kDefaultStorageGbHourly);
	prices.networkPerTb = readRate(section, "network_tb", kDefaultNetworkTb);
	prices.updatedAt = std::chrono::system_clock::now();
	return prices;
}

std::shared_ptr<pricing::PricingProvider> createPricingProvider(config::ConfigSection& section)
{
	section.getChoice("provider", "static", {"static"});
	return std::make_shared<StaticPricingProvider>(readStaticPriceList(section));
}

} // namespace gpucloud::providers
