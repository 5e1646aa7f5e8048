#pragma once

#include <memory>
#include <vector>

#include "catalogue/offer.h"

namespace gpucloud::catalogue
{

/// Every offer computed from one inventory snapshot, one set of allocation counts and one price list, ordered by
/// id. Immutable; the inputs are kept so that a cache can tell whether the book is still current.
struct OfferBook
{
	std::shared_ptr<const InventorySnapshot> snapshot;
	std::shared_ptr<const AllocationCounts> allocations;
	std::shared_ptr<const pricing::PriceList> prices;
	std::vector<Offer> offers;
};

/// Builds the offers: one per node and GPU type that has a price. Free GPUs are the node's GPUs of that type minus
/// the larger of the database allocations and the GPUs the backend reports assigned, so GPUs assigned to a VM outside
/// this server count as taken. An offline or unschedulable node has offers with no free GPU.
std::shared_ptr<const OfferBook> buildOfferBook(std::shared_ptr<const InventorySnapshot> snapshot,
	std::shared_ptr<const AllocationCounts> allocations, std::shared_ptr<const pricing::PriceList> prices);

/// Serializes an offer in the field order of the API.
std::string offerJson(const Offer& offer);

} // namespace gpucloud::catalogue
