#include "plugin/plugin_host.h"

namespace gpucloud::plugin
{

PluginHost::PluginHost(std::string instanceName, EventSink events, Clock clock)
	: _instanceName(std::move(instanceName))
	, _logger(Poco::Logger::get("gpucloud.plugin." + _instanceName))
	, _events(std::move(events))
	, _clock(std::move(clock))
{
}

void PluginHost::log(sdk::LogLevel level, const std::string& message)
{
	switch (level)
	{
	case sdk::LogLevel::Debug: _logger.debug(message); break;
	case sdk::LogLevel::Information: _logger.information(message); break;
	case sdk::LogLevel::Warning: _logger.warning(message); break;
	case sdk::LogLevel::Error: _logger.error(message); break;
	}
}

void PluginHost::publish(const sdk::BackendEvent& event)
{
	if (_events)
		_events(_instanceName, event);
	else
		_logger.debug("Event %s node=%s vm=%s: %s", event.kind, event.node, event.vmId, event.detail);
}

std::chrono::system_clock::time_point PluginHost::now()
{
	return _clock ? _clock() : std::chrono::system_clock::now();
}

} // namespace gpucloud::plugin
