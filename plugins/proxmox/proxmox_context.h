#pragma once

#include <string>

#include "api_client.h"
#include "gpucloud/sdk/host_services.h"
#include "proxmox_settings.h"
#include "task_waiter.h"

namespace gpucloud::plugins::proxmox
{

/// Shared state of the backend's parts: the settings, the API client, the task waiter and the host's logger.
struct ProxmoxContext
{
	const ProxmoxSettings& settings;
	ApiClient& api;
	TaskWaiter& tasks;
	sdk::HostServices* host;

	void log(sdk::LogLevel level, const std::string& message) const
	{
		if (host)
			host->log(level, message);
	}
};

} // namespace gpucloud::plugins::proxmox
