#include "catalogue/offer_search.h"

#include <algorithm>

namespace gpucloud::catalogue
{

namespace
{

bool matches(const Offer& offer, const OfferQuery& query)
{
	if (query.availableOnly && !offer.available)
		return false;
	if (query.gpuType && offer.gpuType != *query.gpuType)
		return false;
	if (query.minGpuCount && offer.gpuFree < *query.minGpuCount)
		return false;
	if (query.maxPrice && offer.rate(query.rentalType) > *query.maxPrice)
		return false;
	if (query.location && offer.location != *query.location)
		return false;
	if (query.node && offer.node != *query.node)
		return false;
	return true;
}

void sortOffers(std::vector<const Offer*>& offers, OfferSort sort, pricing::RentalType rentalType)
{
	auto byPrice = [rentalType](const Offer* left, const Offer* right) {
		return left->rate(rentalType) < right->rate(rentalType);
	};
	auto byGpuCount = [](const Offer* left, const Offer* right) { return left->gpuFree < right->gpuFree; };

	// The offers arrive ordered by id and stable_sort keeps that order among equal keys.
	switch (sort)
	{
	case OfferSort::Id: break;
	case OfferSort::PriceAscending: std::stable_sort(offers.begin(), offers.end(), byPrice); break;
	case OfferSort::PriceDescending:
		std::stable_sort(offers.begin(), offers.end(), [&](const Offer* left, const Offer* right) { return byPrice(right, left); });
		break;
	case OfferSort::GpuCountAscending: std::stable_sort(offers.begin(), offers.end(), byGpuCount); break;
	case OfferSort::GpuCountDescending:
		std::stable_sort(offers.begin(), offers.end(), [&](const Offer* left, const Offer* right) { return byGpuCount(right, left); });
		break;
	}
}

} // namespace

OfferSearch::OfferSearch(std::shared_ptr<Inventory> inventory, std::shared_ptr<AllocationCache> allocations,
	std::shared_ptr<pricing::PricingProvider> pricing)
	: _inventory(std::move(inventory)), _allocations(std::move(allocations)), _pricing(std::move(pricing))
{
}

std::shared_ptr<const OfferBook> OfferSearch::book()
{
	std::shared_ptr<const InventorySnapshot> snapshot = _inventory->snapshot();
	std::shared_ptr<const AllocationCounts> allocations = _allocations->counts();
	std::shared_ptr<const pricing::PriceList> prices = _pricing->prices();

	std::shared_ptr<const OfferBook> current = std::atomic_load(&_book);
	if (current && current->snapshot == snapshot && current->allocations == allocations && current->prices == prices)
		return current;

	// Two threads that see the same change may both build a book; the results are equal and either one is kept.
	std::shared_ptr<const OfferBook> rebuilt = buildOfferBook(std::move(snapshot), std::move(allocations), std::move(prices));
	std::atomic_store(&_book, rebuilt);
	return rebuilt;
}

OfferMatches OfferSearch::search(const OfferQuery& query)
{
	OfferMatches result;
	result.book = book();
	for (const Offer& offer : result.book->offers)
	{
		if (matches(offer, query))
			result.offers.push_back(&offer);
	}
	sortOffers(result.offers, query.sort, query.rentalType);
	return result;
}

} // namespace gpucloud::catalogue
