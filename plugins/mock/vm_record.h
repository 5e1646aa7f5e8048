#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"

namespace gpucloud::plugins::mock
{

/// One VM of the mock as the backend stores it.
struct VmRecord
{
	std::string vmId;       ///< the server's id
	std::string backendId;  ///< "mock-<vmid>"
	std::int64_t vmid = 0;  ///< sequential number from 1000, never reused by one state
	std::string node;
	std::string hostname;
	std::int64_t templateVmid = 0;
	std::uint32_t cpuCores = 0;
	std::uint64_t ramMb = 0;
	std::uint64_t diskGb = 0;
	/// GPUs in the VM's configuration: those given at create, replaced by those of a start that names GPUs. The
	/// node's GPUs carry the VM's id only while it runs.
	std::vector<std::string> gpuAddresses;
	sdk::PowerState power = sdk::PowerState::Stopped;
	std::int64_t startedAtMs = 0;  ///< host time of the last start or reboot, in ms since the epoch; 0 when stopped

	bool holdsGpus() const { return power == sdk::PowerState::Running; }
};

} // namespace gpucloud::plugins::mock
