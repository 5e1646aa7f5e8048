#include "catalogue/offer_book.h"

#include <algorithm>
#include <map>

#include <Poco/JSON/Object.h>

#include "http/response.h"
#include "http/validation.h"

namespace gpucloud::catalogue
{

namespace
{

/// The GPUs of one type on one node.
struct GpuGroup
{
	const sdk::GpuDevice* first = nullptr;
	std::uint32_t total = 0;
	std::uint32_t assignedByBackend = 0;
};

std::map<std::string, GpuGroup> groupGpus(const sdk::NodeInfo& node)
{
	std::map<std::string, GpuGroup> groups;
	for (const sdk::GpuDevice& gpu : node.gpus)
	{
		GpuGroup& group = groups[gpu.type];
		if (!group.first)
			group.first = &gpu;
		++group.total;
		if (!gpu.assignedVmId.empty())
			++group.assignedByBackend;
	}
	return groups;
}

std::uint32_t allocatedCount(const AllocationCounts& allocations, const std::string& node, const std::string& gpuType)
{
	auto byNode = allocations.find(node);
	if (byNode == allocations.end())
		return 0;
	auto byType = byNode->second.find(gpuType);
	return byType == byNode->second.end() ? 0 : byType->second;
}

Offer makeOffer(const NodeEntry& entry, const std::string& gpuType, const GpuGroup& group,
	const AllocationCounts& allocations, const pricing::PriceList& prices)
{
	const sdk::NodeInfo& node = entry.info;
	Offer offer;
	offer.id = node.name + ":" + gpuType;
	offer.node = node.name;
	offer.backend = entry.backend;
	offer.location = node.location;
	offer.gpuType = gpuType;
	offer.gpuName = group.first->model;
	offer.gpuRamMb = group.first->vramMb;
	offer.gpuTotal = group.total;

	std::uint32_t taken = std::max(allocatedCount(allocations, node.name, gpuType), group.assignedByBackend);
	bool usable = node.status == sdk::NodeStatus::Online && entry.schedulable;
	offer.gpuFree = usable && taken < group.total ? group.total - taken : 0;
	offer.available = offer.gpuFree > 0;
	offer.maxGpuCount = maxAllowedGpuCount(offer.gpuFree);

	offer.onDemandRate = prices.onDemandPerGpuHour.at(gpuType);
	offer.interruptibleRate = prices.gpuRate(gpuType, pricing::RentalType::Interruptible).value_or(offer.onDemandRate);
	for (const pricing::ReservationTerm& term : prices.reservationTerms)
	{
		if (auto rate = prices.gpuRate(gpuType, pricing::RentalType::Reserved, term.months))
			offer.reservedRates.emplace_back(term.months, *rate);
	}
	offer.storageRate = prices.storagePerGbHour;

	offer.share = perGpuShare(node);
	offer.storageAvailableGb = node.storageFreeGb;
	offer.cpuModel = node.cpuModel;
	offer.pcieGen = node.pcieGen;
	offer.json = offerJson(offer);
	return offer;
}

} // namespace

std::uint32_t maxAllowedGpuCount(std::uint32_t freeGpus)
{
	std::uint32_t best = 0;
	for (std::uint32_t count : kAllowedGpuCounts)
	{
		if (count <= freeGpus)
			best = count;
	}
	return best;
}

util::Micros Offer::rate(pricing::RentalType rentalType) const
{
	switch (rentalType)
	{
	case pricing::RentalType::OnDemand: return onDemandRate;
	case pricing::RentalType::Interruptible: return interruptibleRate;
	case pricing::RentalType::Reserved:
	{
		util::Micros lowest = onDemandRate;
		for (const auto& [months, reserved] : reservedRates)
			lowest = std::min(lowest, reserved);
		return lowest;
	}
	}
	return onDemandRate;
}

std::shared_ptr<const OfferBook> buildOfferBook(std::shared_ptr<const InventorySnapshot> snapshot,
	std::shared_ptr<const AllocationCounts> allocations, std::shared_ptr<const pricing::PriceList> prices)
{
	auto book = std::make_shared<OfferBook>();
	for (const NodeEntry& entry : snapshot->nodes)
	{
		for (const auto& [gpuType, group] : groupGpus(entry.info))
		{
			// A GPU type without a price cannot be rented; GET /admin/nodes still lists it.
			if (prices->onDemandPerGpuHour.count(gpuType) == 0)
				continue;
			book->offers.push_back(makeOffer(entry, gpuType, group, *allocations, *prices));
		}
	}
	std::sort(book->offers.begin(), book->offers.end(), [](const Offer& left, const Offer& right) {
		return std::tie(left.node, left.gpuType) < std::tie(right.node, right.gpuType);
	});

	book->snapshot = std::move(snapshot);
	book->allocations = std::move(allocations);
	book->prices = std::move(prices);
	return book;
}

std::string offerJson(const Offer& offer)
{
	Poco::JSON::Object::Ptr reserved = http::orderedObject();
	for (const auto& [months, rate] : offer.reservedRates)
		reserved->set(std::to_string(months), util::toJsonRate(rate));

	Poco::JSON::Object::Ptr json = http::orderedObject();
	json->set("id", offer.id);
	json->set("node", offer.node);
	json->set("location", offer.location);
	json->set("gpu_type", offer.gpuType);
	json->set("gpu_name", offer.gpuName);
	json->set("gpu_ram_mb", static_cast<Poco::UInt64>(offer.gpuRamMb));
	json->set("gpu_count", offer.gpuFree);
	json->set("gpu_total", offer.gpuTotal);
	json->set("available", offer.available);
	json->set("gpu_price_hourly", util::toJsonRate(offer.onDemandRate));
	json->set("interruptible_rate", util::toJsonRate(offer.interruptibleRate));
	json->set("reserved_rates", reserved);
	json->set("storage_price_gb_hourly", util::toJsonRate(offer.storageRate));
	json->set("cpu_cores_per_gpu", offer.share.cpuCoresPerGpu);
	json->set("ram_gb_per_gpu", offer.share.ramGbPerGpu);
	json->set("storage_available_gb", static_cast<Poco::UInt64>(offer.storageAvailableGb));
	json->set("cpu_model", offer.cpuModel);
	json->set("pcie_gen", offer.pcieGen);
	json->set("max_gpu_count", offer.maxGpuCount);
	return http::toJson(json);
}

} // namespace gpucloud::catalogue
