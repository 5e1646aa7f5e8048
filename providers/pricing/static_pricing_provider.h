#pragma once

#include <memory>

#include "config/config_section.h"
#include "pricing/pricing_provider.h"

namespace gpucloud::providers
{

/// Prices from static tables in the `[pricing]` configuration section. The list is read once at start-up and never
/// changes while the server runs.
class StaticPricingProvider : public pricing::PricingProvider
{
public:
	explicit StaticPricingProvider(pricing::PriceList prices);

	std::shared_ptr<const pricing::PriceList> prices() const override { return _prices; }

private:
	std::shared_ptr<const pricing::PriceList> _prices;
};

/// Reads the static price tables of `section` (`[pricing]`):
///   gpu.<type>.on_demand, gpu.<type>.interruptible   USD per GPU-hour; a priced GPU type needs both
///   reserved.<months>.discount_percent               for months 1, 3 and 6, an integer 0..90
///   storage_gb_hourly                                USD per GB-hour of disk
///   network_tb                                       USD per TB of outbound traffic
/// Amounts are exact decimals with at most six decimals. A key left out takes the built-in default of the shipped
/// configuration. The built-in GPU table (5090, 4090, 6000pro) applies only when no gpu.* key is set. Throws
/// config::ConfigError naming the key of an invalid value.
pricing::PriceList readStaticPriceList(config::ConfigSection& section);

/// Creates the pricing provider that `pricing.provider` names; "static" (the default) is the only one so far.
std::shared_ptr<pricing::PricingProvider> createPricingProvider(config::ConfigSection& section);

} // namespace gpucloud::providers
