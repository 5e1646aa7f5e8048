#include "domain_metrics.h"

#include <algorithm>

namespace gpucloud::plugins::libvirt
{

namespace
{

bool read(const StatsSample& sample, const std::string& key, std::uint64_t& value)
{
	auto found = sample.values.find(key);
	if (found == sample.values.end())
		return false;
	value = found->second;
	return true;
}

} // namespace

DomainUsage computeUsage(const StatsSample& earlier, const StatsSample& later, unsigned vcpus)
{
	DomainUsage usage;

	std::uint64_t cpuBefore = 0;
	std::uint64_t cpuAfter = 0;
	auto elapsed = std::chrono::duration_cast<std::chrono::nanoseconds>(later.takenAt - earlier.takenAt).count();
	if (vcpus > 0 && elapsed > 0 && read(earlier, "cpu.time", cpuBefore) && read(later, "cpu.time", cpuAfter)
		&& cpuAfter >= cpuBefore)
	{
		double share = static_cast<double>(cpuAfter - cpuBefore) / static_cast<double>(elapsed) / vcpus;
		usage.cpuPercent = std::clamp(share * 100.0, 0.0, 100.0);
	}

	std::uint64_t available = 0;
	std::uint64_t unused = 0;
	if (read(later, "balloon.available", available) && read(later, "balloon.unused", unused) && available > 0)
	{
		double used = static_cast<double>(available - std::min(unused, available));
		usage.ramPercent = used / static_cast<double>(available) * 100.0;
	}

	std::uint64_t interfaces = 0;
	read(later, "net.count", interfaces);
	for (std::uint64_t i = 0; i < interfaces; ++i)
	{
		std::uint64_t bytes = 0;
		if (read(later, "net." + std::to_string(i) + ".rx.bytes", bytes))
			usage.networkRxBytes += bytes;
		if (read(later, "net." + std::to_string(i) + ".tx.bytes", bytes))
			usage.networkTxBytes += bytes;
	}
	return usage;
}

} // namespace gpucloud::plugins::libvirt
