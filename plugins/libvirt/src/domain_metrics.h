#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>

namespace gpucloud::plugins::libvirt
{

/// One reading of a domain's statistics, from virDomainListGetStats.
struct StatsSample
{
	std::chrono::steady_clock::time_point takenAt;
	std::map<std::string, std::uint64_t> values;  ///< "cpu.time", "balloon.available", "net.0.rx.bytes", ...
};

/// Usage figures computed from two samples.
struct DomainUsage
{
	double cpuPercent = -1;  ///< share of the domain's vCPUs, 0 to 100; negative when unknown
	double ramPercent = -1;  ///< guest memory in use, 0 to 100; negative when the guest reports no balloon stats
	std::uint64_t networkRxBytes = 0;
	std::uint64_t networkTxBytes = 0;
};

/// Computes usage from an earlier and a later sample of the same domain with `vcpus` virtual CPUs. CPU use is the
/// growth of cpu.time over the elapsed time. Memory use is (balloon.available - balloon.unused) / available, so it
/// needs the guest's balloon driver. Network counters are summed over all interfaces of the later sample.
DomainUsage computeUsage(const StatsSample& earlier, const StatsSample& later, unsigned vcpus);

} // namespace gpucloud::plugins::libvirt
