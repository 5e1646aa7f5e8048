#pragma once

#include <cstdint>
#include <string>

namespace gpucloud::plugins::mock
{

/// Returns the guest's IPv4 address, unique per VMID: 10.66.0.1 to 10.66.253.254 cover 64,516 VMIDs before the
/// addresses repeat.
std::string guestIpAddress(std::int64_t vmid);

/// Returns a CPU use between 2 and 98 percent that drifts slowly with time, the same for the same VM and time.
double guestCpuPercent(const std::string& vmId, std::int64_t nowMs);

/// Returns a RAM use between 20 and 95 percent, the same for the same VM and time.
double guestRamPercent(const std::string& vmId, std::int64_t nowMs);

/// Returns the bytes a VM sent (`transmit` true) or received since `startedAtMs`, at a steady rate per VM.
std::uint64_t guestNetworkBytes(const std::string& vmId, bool transmit, std::int64_t startedAtMs, std::int64_t nowMs);

} // namespace gpucloud::plugins::mock
