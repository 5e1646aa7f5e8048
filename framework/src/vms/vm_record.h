#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "util/money.h"
#include "vms/vm_state.h"

namespace gpucloud::vms
{

/// One row of `vms`.
struct VmRecord
{
	std::string id;
	std::int64_t vmid = 0;  ///< 0 until the backend created the VM
	std::int64_t userId = 0;
	std::string backend;
	std::string node;
	std::string backendRef;  ///< the backend's own id; empty until createVm() returned
	std::string instanceLabel;
	std::int64_t templateVmid = 0;
	std::string gpuType;
	int gpuCount = 0;
	int storageGb = 0;
	int ramGb = 0;
	int cpuCores = 0;
	std::string rentalType;
	std::optional<std::string> reservationId;
	bool autoRestart = false;
	VmState status = VmState::Creating;
	std::optional<std::string> statusReason;
	std::optional<std::string> ipAddress;
	util::Micros gpuHourlyRate = 0;      ///< per GPU
	util::Micros storageHourlyRate = 0;  ///< for the whole disk
	std::int64_t createdAt = 0;
	std::optional<std::int64_t> startedAt;
	std::optional<std::int64_t> stoppedAt;
	std::optional<std::int64_t> destroyedAt;
	std::int64_t updatedAt = 0;
	std::vector<std::string> gpuAddresses;  ///< the GPUs the backend configured the VM with
	bool jobPending = false;  ///< a job of the VM was queued or running when the row was read

	util::Micros hourlyRate() const { return gpuHourlyRate * gpuCount + storageHourlyRate; }
};

/// Joins GPU addresses with commas for the `gpu_addresses` column.
std::string joinAddresses(const std::vector<std::string>& addresses);

/// Splits the `gpu_addresses` column.
std::vector<std::string> splitAddresses(const std::string& text);

} // namespace gpucloud::vms
