#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <vector>

#include "gpucloud/sdk/host_services.h"

namespace gpucloud::testing
{

/// HostServices for tests: stores every log line and event, and returns a clock that only moves when the test
/// moves it. Thread-safe, like the real host services.
class RecordingHost : public sdk::HostServices
{
public:
	struct LogLine
	{
		sdk::LogLevel level;
		std::string message;
	};

	/// Starts the clock at 2026-01-01T00:00:00Z.
	RecordingHost();
	explicit RecordingHost(std::chrono::system_clock::time_point start);

	void log(sdk::LogLevel level, const std::string& message) override;
	void publish(const sdk::BackendEvent& event) override;
	std::chrono::system_clock::time_point now() override;

	void setNow(std::chrono::system_clock::time_point time);
	void advance(std::chrono::system_clock::duration duration);

	std::vector<LogLine> logLines() const;
	std::vector<sdk::BackendEvent> events() const;

	/// Returns true when some log line contains `fragment`.
	bool logged(const std::string& fragment) const;

	/// Returns the number of log lines at `level`.
	std::size_t countAt(sdk::LogLevel level) const;

	void clear();

private:
	mutable std::mutex _mutex;
	std::chrono::system_clock::time_point _now;
	std::vector<LogLine> _lines;
	std::vector<sdk::BackendEvent> _events;
};

} // namespace gpucloud::testing
