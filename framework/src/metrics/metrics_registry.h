#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace gpucloud::metrics
{

/// Request counts and a latency histogram of one route, updated with relaxed atomics so that recording never
/// takes a lock on the request path.
class RouteMetrics
{
public:
	/// Upper bounds of the latency buckets in seconds; a last, implicit bucket is +Inf.
	static constexpr std::array<double, 12> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
		1.0, 5.0};

	RouteMetrics(std::string method, std::string route);

	void record(int status, std::chrono::nanoseconds latency);

	/// Appends this route's samples in the Prometheus text format.
	void write(std::string& out) const;

private:
	std::string _labels;
	std::array<std::atomic<std::uint64_t>, 600> _statusCounts{};
	std::array<std::atomic<std::uint64_t>, kBuckets.size() + 1> _bucketCounts{};
	std::atomic<std::uint64_t> _latencySumNanos{0};
};

/// Metrics of the server in the Prometheus text exposition format (version 0.0.4). Route metrics are created at
/// start-up. Other modules add collectors that produce their samples at scrape time, such as VMs by status.
class MetricsRegistry
{
public:
	using Collector = std::function<void(std::string& out)>;

	/// Returns the metrics object of a route, created on first use. Call at start-up, not per request.
	std::shared_ptr<RouteMetrics> route(const std::string& method, const std::string& pattern);

	/// Adds a collector that appends complete metric families (with # HELP and # TYPE lines) to the output.
	void addCollector(Collector collector);

	/// Returns the whole exposition text.
	std::string scrape() const;

private:
	mutable std::mutex _mutex;
	std::map<std::string, std::shared_ptr<RouteMetrics>> _routes;
	std::vector<Collector> _collectors;
};

/// Escapes a label value for the text format: backslash, double quote and newline.
std::string escapeLabel(const std::string& value);

} // namespace gpucloud::metrics
