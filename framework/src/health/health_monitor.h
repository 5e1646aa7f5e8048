#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "app/background_service.h"
#include "app/server_context.h"

namespace gpucloud::health
{

/// Checks the database, every backend and every module's health check on its own thread, every `interval`, and
/// keeps the last report, so that GET /readyz responds at once and never calls a plugin on an HTTP thread.
class HealthMonitor : public app::BackgroundService
{
public:
	HealthMonitor(app::ServerContext& context, std::chrono::milliseconds interval);
	~HealthMonitor() override;

	std::string name() const override { return "health-monitor"; }
	void start() override;
	void stop() override;

	/// Runs every check now and stores the report.
	void refresh();

	/// Returns the last report; before the first check every component is reported not ready.
	std::vector<app::ComponentHealth> report() const;

private:
	void run();

	app::ServerContext& _context;
	std::chrono::milliseconds _interval;
	mutable std::mutex _mutex;
	std::condition_variable _wake;
	bool _stopping = false;
	std::vector<app::ComponentHealth> _report;
	std::thread _thread;
};

/// Registers GET /healthz (liveness: the process serves requests) and GET /readyz (readiness: every component of
/// the monitor's report is ready; 503 otherwise, with the per-component report in both cases).
void registerHealthRoutes(http::Router& router, const HealthMonitor& monitor);

} // namespace gpucloud::health
