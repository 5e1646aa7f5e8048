#pragma once

#include <chrono>
#include <string>

#include <Poco/Dynamic/Var.h>

#include "api_client.h"
#include "gpucloud/sdk/host_services.h"
#include "proxmox_settings.h"

namespace gpucloud::plugins::proxmox
{

/// Polls Proxmox tasks (UPIDs) to completion on the node named in the UPID.
class TaskWaiter
{
public:
	TaskWaiter(ApiClient& api, const ProxmoxSettings& settings, sdk::HostServices* host);

	/// Waits until the task stops. `OK` and `WARNINGS: n` are success (warnings are logged with the task log's
	/// warning lines); any other exit status throws ApiError with status -1 and the exit status as text. The first
	/// polls come every poll_interval and back off to poll_max_interval. "no such task" is tolerated for
	/// task_grace_period after the UPID was issued. Past `timeout` it throws ApiError(Unavailable) naming the UPID;
	/// the task itself keeps running on the server and is not cancelled.
	void wait(const std::string& upid, std::chrono::milliseconds timeout, const std::string& operation);

	/// Waits when `result` is a UPID (newer servers) and returns at once when it is null (older servers return null
	/// from some calls that later became tasks, such as resize).
	void waitIfTask(const Poco::Dynamic::Var& result, std::chrono::milliseconds timeout, const std::string& operation);

private:
	void logWarnings(const std::string& node, const std::string& upid, const std::string& exitStatus,
		const std::string& operation);

	ApiClient& _api;
	const ProxmoxSettings& _settings;
	sdk::HostServices* _host;
};

} // namespace gpucloud::plugins::proxmox
