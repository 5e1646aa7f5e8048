#include "vms/live_status_cache.h"

namespace gpucloud::vms
{

void LiveStatusCache::update(const std::vector<sdk::VmStatus>& statuses)
{
	auto now = std::chrono::steady_clock::now();
	std::lock_guard<std::mutex> lock(_mutex);
	for (const sdk::VmStatus& status : statuses)
	{
		if (status.vmId.empty())
			continue;
		LiveStatus entry;
		if (status.cpuPercent >= 0)
			entry.cpuPercent = status.cpuPercent;
		if (status.ramPercent >= 0)
			entry.ramPercent = status.ramPercent;
		if (!status.ipAddresses.empty())
			entry.ipAddress = status.ipAddresses.front();
		entry.power = status.power;
		entry.observedAt = now;
		_entries[status.vmId] = entry;
	}
}

std::optional<LiveStatus> LiveStatusCache::find(const std::string& vmId, std::chrono::milliseconds maxAge) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto entry = _entries.find(vmId);
	if (entry == _entries.end() || std::chrono::steady_clock::now() - entry->second.observedAt > maxAge)
		return std::nullopt;
	return entry->second;
}

void LiveStatusCache::erase(const std::string& vmId)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_entries.erase(vmId);
}

} // namespace gpucloud::vms
