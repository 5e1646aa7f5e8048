#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "catalogue/inventory.h"
#include "pricing/pricing_provider.h"

namespace gpucloud::catalogue
{

/// The GPU counts that a VM may request.
constexpr std::uint32_t kAllowedGpuCounts[] = {1, 2, 4, 8};

/// Returns the largest allowed GPU count that is at most `freeGpus`, or 0.
std::uint32_t maxAllowedGpuCount(std::uint32_t freeGpus);

/// One offer of GET /search: the GPUs of one type on one node, with their prices.
struct Offer
{
	std::string id;  ///< "<node>:<gpu type>", stable across refreshes
	std::string node;
	std::string backend;
	std::string location;
	std::string gpuType;
	std::string gpuName;
	std::uint64_t gpuRamMb = 0;
	std::uint32_t gpuFree = 0;   ///< free GPUs now; 0 on an offline or unschedulable node
	std::uint32_t gpuTotal = 0;
	bool available = false;      ///< the node is online and schedulable and has a free GPU
	util::Micros onDemandRate = 0;       ///< per GPU-hour
	util::Micros interruptibleRate = 0;  ///< per GPU-hour
	std::vector<std::pair<int, util::Micros>> reservedRates;  ///< months -> per GPU-hour, ordered by months
	util::Micros storageRate = 0;        ///< per GB-hour
	GpuShare share;
	std::uint64_t storageAvailableGb = 0;
	std::string cpuModel;
	std::uint32_t pcieGen = 0;
	std::uint32_t maxGpuCount = 0;

	std::string json;  ///< the offer serialized once, so that a search only concatenates

	/// Returns the per-GPU rate that `rentalType` pays; for Reserved the lowest rate of any term.
	util::Micros rate(pricing::RentalType rentalType) const;
};

enum class OfferSort
{
	Id,  ///< by node, then GPU type
	PriceAscending,
	PriceDescending,
	GpuCountAscending,
	GpuCountDescending,
};

/// The filters and order of GET /search.
struct OfferQuery
{
	std::optional<std::string> gpuType;
	std::optional<std::uint32_t> minGpuCount;    ///< at least this many free GPUs
	std::optional<util::Micros> maxPrice;        ///< per GPU-hour, compared with the rate of `rentalType`
	std::optional<std::string> location;
	std::optional<std::string> node;
	pricing::RentalType rentalType = pricing::RentalType::OnDemand;
	bool availableOnly = true;
	OfferSort sort = OfferSort::Id;
};

} // namespace gpucloud::catalogue
