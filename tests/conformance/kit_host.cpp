#include "kit_host.h"

#include <iostream>

namespace gpucloud::conformance
{

namespace
{

const char* levelName(sdk::LogLevel level)
{
	switch (level)
	{
	case sdk::LogLevel::Debug: return "debug";
	case sdk::LogLevel::Information: return "information";
	case sdk::LogLevel::Warning: return "warning";
	case sdk::LogLevel::Error: return "error";
	}
	return "unknown";
}

} // namespace

void KitHost::log(sdk::LogLevel level, const std::string& message)
{
	if (!_verbose)
		return;
	std::lock_guard<std::mutex> lock(_mutex);
	std::clog << "[plugin " << levelName(level) << "] " << message << '\n';
}

void KitHost::publish(const sdk::BackendEvent& event)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_events.push_back(event);
}

std::vector<sdk::BackendEvent> KitHost::events() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _events;
}

} // namespace gpucloud::conformance
