#include "support/recording_host.h"

#include <algorithm>

namespace gpucloud::testing
{

RecordingHost::RecordingHost() : RecordingHost(std::chrono::system_clock::time_point(std::chrono::seconds(1767225600)))
{
}

RecordingHost::RecordingHost(std::chrono::system_clock::time_point start) : _now(start)
{
}

void RecordingHost::log(sdk::LogLevel level, const std::string& message)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_lines.push_back({level, message});
}

void RecordingHost::publish(const sdk::BackendEvent& event)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_events.push_back(event);
}

std::chrono::system_clock::time_point RecordingHost::now()
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _now;
}

void RecordingHost::setNow(std::chrono::system_clock::time_point time)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_now = time;
}

void RecordingHost::advance(std::chrono::system_clock::duration duration)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_now += duration;
}

std::vector<RecordingHost::LogLine> RecordingHost::logLines() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _lines;
}

std::vector<sdk::BackendEvent> RecordingHost::events() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _events;
}

bool RecordingHost::logged(const std::string& fragment) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return std::any_of(_lines.begin(), _lines.end(),
		[&](const LogLine& line) { return line.message.find(fragment) != std::string::npos; });
}

std::size_t RecordingHost::countAt(sdk::LogLevel level) const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return static_cast<std::size_t>(
		std::count_if(_lines.begin(), _lines.end(), [&](const LogLine& line) { return line.level == level; }));
}

void RecordingHost::clear()
{
	std::lock_guard<std::mutex> lock(_mutex);
	_lines.clear();
	_events.clear();
}

} // namespace gpucloud::testing
