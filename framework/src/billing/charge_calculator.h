#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "billing/billing_records.h"

namespace gpucloud::billing
{

/// The charge of one VM for one period, and its cursor after it.
struct VmCharge
{
	std::int64_t periodStart = 0;
	std::int64_t periodEnd = 0;
	std::int64_t gpuSeconds = 0;
	std::int64_t storageSeconds = 0;
	std::int64_t networkBytes = 0;
	util::Micros gpuCost = 0;
	util::Micros storageCost = 0;
	util::Micros networkCost = 0;
	ChargeCursor next;

	util::Micros total() const { return gpuCost + storageCost + networkCost; }
};

/// Returns true for the statuses in which a VM keeps its GPUs and pays for them: starting, running, stopping.
bool isGpuBillable(const std::string& status);

/// Returns true while the VM's disk exists: every status except destroyed and failed.
bool isStorageBillable(const std::string& status);

/// Computes the charge of `vm` from its cursor (or its creation) to `end`, from the statuses in `timeline`.
/// Returns nullopt when the VM is already charged up to `end`.
///
/// Costs are exact: the cost of a period is rate x (total seconds after it) / 3600 minus rate x (total seconds
/// before it) / 3600, each rounded to the micro-dollar, so that any split of the time into periods adds up to the
/// single rounding of the whole. Network is charged the same way per 10^12 bytes (one TB) at `networkPerTb`.
std::optional<VmCharge> computeCharge(const BillableVm& vm, const StatusTimeline& timeline, std::int64_t end,
	util::Micros networkPerTb);

} // namespace gpucloud::billing
