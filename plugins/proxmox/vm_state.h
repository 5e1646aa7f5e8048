#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include <Poco/JSON/Object.h>

#include "proxmox_context.h"

namespace gpucloud::plugins::proxmox
{

/// Reads GET /nodes/{node}/qemu/{vmid}/status/current.
Poco::JSON::Object::Ptr readCurrentStatus(const ProxmoxContext& context, const std::string& node, std::int64_t vmid);

/// Waits until the VM's `lock` field is gone (a clone, backup or migration finished). Throws ApiError(Conflict)
/// naming the lock when it is still set after lock_timeout.
void waitUntilUnlocked(const ProxmoxContext& context, const std::string& node, std::int64_t vmid);

/// Runs a write, retrying transient failures (lock timeouts, an unreachable node) with backoff up to
/// retry_attempts times. When the outcome of a failed attempt is unknown (HTTP 596, a timeout after sending),
/// `alreadyApplied` re-reads the state first, and the write counts as done when it returns true.
void writeWithRetry(const ProxmoxContext& context, const std::string& operation, const std::function<void()>& write,
	const std::function<bool()>& alreadyApplied);

} // namespace gpucloud::plugins::proxmox
