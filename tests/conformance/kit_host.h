#pragma once

#include <mutex>
#include <vector>

#include "gpucloud/sdk/host_services.h"

namespace gpucloud::conformance
{

/// Host services for a plugin under test: the real clock, log lines printed on request, events recorded.
class KitHost : public sdk::HostServices
{
public:
	explicit KitHost(bool verbose) : _verbose(verbose) {}

	void log(sdk::LogLevel level, const std::string& message) override;
	void publish(const sdk::BackendEvent& event) override;
	std::chrono::system_clock::time_point now() override { return std::chrono::system_clock::now(); }

	std::vector<sdk::BackendEvent> events() const;

private:
	bool _verbose;
	mutable std::mutex _mutex;
	std::vector<sdk::BackendEvent> _events;
};

} // namespace gpucloud::conformance
