#pragma once

#include <memory>
#include <vector>

#include "catalogue/offer_book.h"

namespace gpucloud::catalogue
{

/// The offers that match one query, in the query's order. `book` keeps the offers alive.
struct OfferMatches
{
	std::shared_ptr<const OfferBook> book;
	std::vector<const Offer*> offers;
};

/// Computes the results of GET /search from the inventory snapshot, the cached allocation counts and the price list. The offer book
/// is rebuilt only when one of the three changed, and is shared through an atomic shared_ptr, so concurrent searches
/// take no lock of their own. Thread-safe.
class OfferSearch
{
public:
	OfferSearch(std::shared_ptr<Inventory> inventory, std::shared_ptr<AllocationCache> allocations,
		std::shared_ptr<pricing::PricingProvider> pricing);

	/// Returns the current offer book, rebuilt first when an input changed.
	std::shared_ptr<const OfferBook> book();

	/// Returns the offers of the current book that match `query`, sorted; ties keep the order by id.
	OfferMatches search(const OfferQuery& query);

private:
	std::shared_ptr<Inventory> _inventory;
	std::shared_ptr<AllocationCache> _allocations;
	std::shared_ptr<pricing::PricingProvider> _pricing;
	std::shared_ptr<const OfferBook> _book;  // accessed only through std::atomic_load/atomic_store
};

} // namespace gpucloud::catalogue
