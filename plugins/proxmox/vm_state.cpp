#include "vm_state.h"

#include <thread>

#include "api_error.h"
#include "backoff.h"
#include "json_fields.h"
#include "request_builder.h"

namespace gpucloud::plugins::proxmox
{

Poco::JSON::Object::Ptr readCurrentStatus(const ProxmoxContext& context, const std::string& node, std::int64_t vmid)
{
	return asObject(context.api.get(vmPath(node, vmid, "/status/current")));
}

void waitUntilUnlocked(const ProxmoxContext& context, const std::string& node, std::int64_t vmid)
{
	auto deadline = std::chrono::steady_clock::now() + context.settings.lockTimeout;
	Backoff backoff(context.settings.pollInterval, context.settings.pollMaxInterval);
	for (;;)
	{
		std::string lock = stringField(readCurrentStatus(context, node, vmid), "lock");
		if (lock.empty())
			return;
		if (std::chrono::steady_clock::now() >= deadline)
		{
			throw ApiError(sdk::ErrorKind::Conflict, 200, "GET " + vmPath(node, vmid, "/status/current"),
				"VM " + std::to_string(vmid) + " on node '" + node + "' is still locked (" + lock + ") after "
					+ std::to_string(context.settings.lockTimeout.count()) + " ms",
				false);
		}
		backoff.sleepUntilNext(deadline);
	}
}

void writeWithRetry(const ProxmoxContext& context, const std::string& operation, const std::function<void()>& write,
	const std::function<bool()>& alreadyApplied)
{
	Backoff backoff(context.settings.retryBackoff, context.settings.retryMaxBackoff);
	for (int attempt = 1;; ++attempt)
	{
		try
		{
			write();
			return;
		}
		catch (const ApiError& error)
		{
			if (error.outcomeUnknown() && alreadyApplied())
			{
				context.log(sdk::LogLevel::Information, operation + " took effect although its response was lost: "
						+ error.what());
				return;
			}
			if (!error.isTransient() || attempt >= context.settings.retryAttempts)
				throw;
			std::chrono::milliseconds delay = backoff.next();
			context.log(sdk::LogLevel::Warning, operation + " failed (attempt " + std::to_string(attempt) + " of "
					+ std::to_string(context.settings.retryAttempts) + "), retrying in "
					+ std::to_string(delay.count()) + " ms: " + error.what());
			std::this_thread::sleep_for(delay);
		}
	}
}

} // namespace gpucloud::plugins::proxmox
