#pragma once

#include <mutex>
#include <string>
#include <vector>

#include "gpucloud/sdk/host_services.h"

namespace gpucloud::plugins::libvirt::testing
{

/// Host services with a clock the test moves by hand, and the log lines and events recorded.
class FakeHost : public sdk::HostServices
{
public:
	void log(sdk::LogLevel, const std::string& message) override
	{
		std::lock_guard<std::mutex> lock(mutex);
		lines.push_back(message);
	}

	void publish(const sdk::BackendEvent& event) override
	{
		std::lock_guard<std::mutex> lock(mutex);
		events.push_back(event);
	}

	std::chrono::system_clock::time_point now() override
	{
		std::lock_guard<std::mutex> lock(mutex);
		return clock;
	}

	void advance(std::chrono::milliseconds step)
	{
		std::lock_guard<std::mutex> lock(mutex);
		clock += step;
	}

	std::mutex mutex;
	std::chrono::system_clock::time_point clock = std::chrono::system_clock::time_point{} + std::chrono::hours(1);
	std::vector<std::string> lines;
	std::vector<sdk::BackendEvent> events;
};

} // namespace gpucloud::plugins::libvirt::testing
