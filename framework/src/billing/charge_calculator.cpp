#include "billing/charge_calculator.h"

#include <algorithm>

namespace gpucloud::billing
{

namespace
{

constexpr std::int64_t kSecondsPerHour = 3600;
constexpr std::int64_t kBytesPerTb = 1000000000000;

/// Returns the cost of moving a running total from `before` to `before + added` units at `rate` per `unit`.
util::Micros costOfIncrement(util::Micros rate, std::int64_t before, std::int64_t added, std::int64_t unit)
{
	return util::mulDiv(rate, before + added, unit) - util::mulDiv(rate, before, unit);
}

} // namespace

bool isGpuBillable(const std::string& status)
{
	return status == "running" || status == "starting" || status == "stopping";
}

bool isStorageBillable(const std::string& status)
{
	return status != "destroyed" && status != "failed";
}

std::optional<VmCharge> computeCharge(const BillableVm& vm, const StatusTimeline& timeline, std::int64_t end,
	util::Micros networkPerTb)
{
	ChargeCursor previous = vm.cursor.value_or(ChargeCursor{vm.createdAt, 0, 0, 0});
	if (end <= previous.chargedUntil)
		return std::nullopt;

	VmCharge charge;
	charge.periodStart = previous.chargedUntil;
	charge.periodEnd = end;

	std::string status = timeline.initialStatus;
	std::int64_t segmentStart = charge.periodStart;
	auto closeSegment = [&](std::int64_t segmentEnd) {
		std::int64_t seconds = std::max<std::int64_t>(0, segmentEnd - segmentStart);
		if (isGpuBillable(status))
			charge.gpuSeconds += seconds;
		if (isStorageBillable(status))
			charge.storageSeconds += seconds;
	};
	for (const StatusChange& change : timeline.changes)
	{
		std::int64_t at = std::clamp(change.at, charge.periodStart, end);
		closeSegment(at);
		segmentStart = std::max(segmentStart, at);
		status = change.status;
	}
	closeSegment(end);

	charge.networkBytes = std::max<std::int64_t>(0, vm.networkBytesReported - previous.networkBytes);

	util::Micros gpuRate = vm.gpuHourlyRate * vm.gpuCount;
	charge.gpuCost = costOfIncrement(gpuRate, previous.gpuSeconds, charge.gpuSeconds, kSecondsPerHour);
	charge.storageCost = costOfIncrement(vm.storageHourlyRate, previous.storageSeconds, charge.storageSeconds,
		kSecondsPerHour);
	charge.networkCost = costOfIncrement(networkPerTb, previous.networkBytes, charge.networkBytes, kBytesPerTb);

	charge.next.chargedUntil = end;
	charge.next.gpuSeconds = previous.gpuSeconds + charge.gpuSeconds;
	charge.next.storageSeconds = previous.storageSeconds + charge.storageSeconds;
	charge.next.networkBytes = previous.networkBytes + charge.networkBytes;
	return charge;
}

} // namespace gpucloud::billing
