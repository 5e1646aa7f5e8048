#pragma once

#include <chrono>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"

namespace gpucloud::vms
{

/// Figures of one VM as its backend last reported them.
struct LiveStatus
{
	std::optional<double> cpuPercent;
	std::optional<double> ramPercent;
	std::optional<std::string> ipAddress;
	sdk::PowerState power = sdk::PowerState::Unknown;
	std::chrono::steady_clock::time_point observedAt;
};

/// The last VM figures of every backend, filled by the reconciler from listVms() so that GET /vms/{id} never calls
/// a plugin on an HTTP thread. Thread-safe.
class LiveStatusCache
{
public:
	/// Replaces the entries of the VMs in `statuses` (VMs without a server id are skipped).
	void update(const std::vector<sdk::VmStatus>& statuses);

	/// Returns the entry when it is younger than `maxAge`.
	std::optional<LiveStatus> find(const std::string& vmId, std::chrono::milliseconds maxAge) const;

	void erase(const std::string& vmId);

private:
	mutable std::mutex _mutex;
	std::map<std::string, LiveStatus> _entries;
};

} // namespace gpucloud::vms
