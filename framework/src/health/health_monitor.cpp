#include "health/health_monitor.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include "http/validation.h"

namespace gpucloud::health
{

HealthMonitor::HealthMonitor(app::ServerContext& context, std::chrono::milliseconds interval)
	: _context(context), _interval(interval)
{
}

HealthMonitor::~HealthMonitor()
{
	stop();
}

void HealthMonitor::start()
{
	refresh();
	_thread = std::thread([this] { run(); });
}

void HealthMonitor::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_all();
	if (_thread.joinable())
		_thread.join();
}

void HealthMonitor::run()
{
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_wake.wait_for(lock, _interval, [this] { return _stopping; }))
	{
		lock.unlock();
		refresh();
		lock.lock();
	}
}

void HealthMonitor::refresh()
{
	std::vector<app::ComponentHealth> report;

	std::string databaseProblem = _context.database.ping();
	report.push_back({"database", databaseProblem.empty(), databaseProblem.empty() ? _context.database.description() : databaseProblem});

	for (const auto& instance : _context.backends.instances())
	{
		sdk::HealthReport health = instance->backend->checkHealth();
		std::string detail = health.detail;
		for (const auto& [node, state] : health.nodes)
			detail += (detail.empty() ? "" : "; ") + node + ": " + state;
		report.push_back({"backend:" + instance->name, health.healthy, detail});
	}

	for (const app::HealthCheck& check : _context.healthChecks)
	{
		for (app::ComponentHealth& component : check())
			report.push_back(std::move(component));
	}

	std::vector<app::ComponentHealth> previous;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		previous.swap(_report);
		_report = report;
	}

	static Poco::Logger& logger = Poco::Logger::get("gpucloud.health");
	for (const app::ComponentHealth& component : report)
	{
		bool wasReady = false;
		bool known = false;
		for (const app::ComponentHealth& old : previous)
		{
			if (old.name == component.name)
			{
				known = true;
				wasReady = old.ready;
			}
		}
		if (!component.ready && (!known || wasReady))
			logger.warning("Component %s is not ready: %s", component.name, component.detail);
		else if (component.ready && known && !wasReady)
			logger.information("Component %s is ready again", component.name);
	}
}

std::vector<app::ComponentHealth> HealthMonitor::report() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _report;
}

void registerHealthRoutes(http::Router& router, const HealthMonitor& monitor)
{
	router.add("GET", "/healthz", [](http::Request&) {
		Poco::JSON::Object body;
		body.set("status", "ok");
		return http::Response::json(body);
	}, {auth::Permission::Public, ratelimit::RateClass::None});

	router.add("GET", "/readyz", [&monitor](http::Request&) {
		std::vector<app::ComponentHealth> report = monitor.report();
		bool ready = !report.empty();
		Poco::JSON::Object::Ptr components = http::orderedObject();
		for (const app::ComponentHealth& component : report)
		{
			Poco::JSON::Object::Ptr entry = http::orderedObject();
			entry->set("ready", component.ready);
			entry->set("detail", component.detail);
			components->set(component.name, entry);
			ready = ready && component.ready;
		}
		Poco::JSON::Object::Ptr body = http::orderedObject();
		body->set("status", ready ? "ready" : "not_ready");
		body->set("components", components);
		return http::Response::json(body, ready ? 200 : 503);
	}, {auth::Permission::Public, ratelimit::RateClass::None});
}

} // namespace gpucloud::health
