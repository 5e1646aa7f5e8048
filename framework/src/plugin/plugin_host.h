#pragma once

#include <functional>
#include <string>

#include <Poco/Logger.h>

#include "gpucloud/sdk/host_services.h"

namespace gpucloud::plugin
{

/// The HostServices one backend instance receives: its own logger `gpucloud.plugin.<instance>`, an event sink
/// and the server's clock.
class PluginHost : public sdk::HostServices
{
public:
	using EventSink = std::function<void(const std::string& instanceName, const sdk::BackendEvent& event)>;
	using Clock = std::function<std::chrono::system_clock::time_point()>;

	PluginHost(std::string instanceName, EventSink events = nullptr, Clock clock = nullptr);

	void log(sdk::LogLevel level, const std::string& message) override;
	void publish(const sdk::BackendEvent& event) override;
	std::chrono::system_clock::time_point now() override;

private:
	std::string _instanceName;
	Poco::Logger& _logger;
	EventSink _events;
	Clock _clock;
};

} // namespace gpucloud::plugin
