#include "task_waiter.h"

#include <thread>

#include "api_error.h"
#include "backoff.h"
#include "json_fields.h"
#include "request_builder.h"
#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

using Clock = std::chrono::steady_clock;

bool isSuccess(const std::string& exitStatus)
{
	return exitStatus == "OK" || startsWith(exitStatus, "WARNINGS:");
}

} // namespace

TaskWaiter::TaskWaiter(ApiClient& api, const ProxmoxSettings& settings, sdk::HostServices* host)
	: _api(api), _settings(settings), _host(host)
{
}

void TaskWaiter::waitIfTask(const Poco::Dynamic::Var& result, std::chrono::milliseconds timeout,
	const std::string& operation)
{
	if (result.isEmpty())
		return;
	wait(result.toString(), timeout, operation);
}

void TaskWaiter::wait(const std::string& upid, std::chrono::milliseconds timeout, const std::string& operation)
{
	std::optional<Upid> parsed = parseUpid(upid);
	if (!parsed)
		throw ApiError(sdk::ErrorKind::Fatal, -1, operation, "the server returned '" + upid + "', which is not a UPID",
			false);

	// The first ten seconds are polled at the base interval; afterwards the interval backs off.
	const auto issued = Clock::now();
	const auto deadline = issued + timeout;
	const auto steadyPhase = issued + std::chrono::seconds(10);
	Backoff backoff(_settings.pollInterval, _settings.pollMaxInterval);
	const std::string path = "/nodes/" + parsed->node + "/tasks/" + upid + "/status";
	for (;;)
	{
		try
		{
			Poco::JSON::Object::Ptr status = asObject(_api.get(path));
			if (stringField(status, "status") == "stopped")
			{
				std::string exitStatus = stringField(status, "exitstatus", "unexpected status");
				if (!isSuccess(exitStatus))
				{
					throw ApiError(classifyProxmoxError(-1, exitStatus), -1, upid + " (" + operation + ")", exitStatus,
						false);
				}
				if (exitStatus != "OK")
					logWarnings(parsed->node, upid, exitStatus, operation);
				return;
			}
		}
		catch (const ApiError& error)
		{
			bool early = Clock::now() < issued + _settings.taskGracePeriod;
			bool noSuchTask = error.status() == 400 && contains(error.text(), "no such task");
			bool transient = error.status() == 0 || error.status() >= 595;
			if (!(noSuchTask && early) && !transient)
				throw;
		}
		if (Clock::now() >= deadline)
		{
			throw ApiError(sdk::ErrorKind::Unavailable, ApiError::kTaskDeadline, upid + " (" + operation + ")",
				"still running after " + std::to_string(timeout.count()) + " ms; it was not cancelled", false);
		}
		auto delay = Clock::now() < steadyPhase ? _settings.pollInterval : backoff.next();
		std::this_thread::sleep_until(std::min(Clock::now() + delay, deadline));
	}
}

void TaskWaiter::logWarnings(const std::string& node, const std::string& upid, const std::string& exitStatus,
	const std::string& operation)
{
	if (!_host)
		return;
	std::string details;
	try
	{
		Poco::JSON::Array::Ptr lines = asArray(_api.get("/nodes/" + node + "/tasks/" + upid + "/log",
			{{"start", "0"}, {"limit", "500"}}));
		for (std::size_t i = 0; i < lines->size(); ++i)
		{
			std::string line = stringField(lines->getObject(i), "t");
			if (startsWith(line, "WARN"))
				details += (details.empty() ? "" : " | ") + line;
		}
	}
	catch (const ApiError&)
	{
		// The warnings are informative only; the task succeeded.
	}
	_host->log(sdk::LogLevel::Warning, operation + " succeeded with " + exitStatus + " (task " + upid + ")"
			+ (details.empty() ? "" : ": " + details));
}

} // namespace gpucloud::plugins::proxmox
