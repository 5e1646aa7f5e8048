#pragma once

#include <memory>
#include <string>

#include "pricing/pricing_provider.h"

namespace gpucloud::pricing
{

/// The body of GET /pricing, serialized once per price list: a request loads the cached body with one atomic load
/// and rebuilds it only when the provider returns another list. Thread-safe.
class PricingDocument
{
public:
	explicit PricingDocument(std::shared_ptr<PricingProvider> provider);

	/// Returns the JSON body for the provider's current price list.
	std::shared_ptr<const std::string> body();

private:
	struct Cached
	{
		std::shared_ptr<const PriceList> prices;
		std::shared_ptr<const std::string> body;
	};

	std::shared_ptr<PricingProvider> _provider;
	std::shared_ptr<const Cached> _cached;  // accessed only through std::atomic_load/atomic_store
};

/// Serializes a price list in the shape of GET /pricing.
std::string pricingJson(const PriceList& prices);

} // namespace gpucloud::pricing
