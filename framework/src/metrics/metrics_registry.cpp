#include "metrics/metrics_registry.h"

#include <cstdio>

namespace gpucloud::metrics
{

std::string escapeLabel(const std::string& value)
{
	std::string escaped;
	escaped.reserve(value.size());
	for (char character : value)
	{
		if (character == '\\' || character == '"')
			escaped.push_back('\\');
		if (character == '\n')
		{
			escaped += "\\n";
			continue;
		}
		escaped.push_back(character);
	}
	return escaped;
}

RouteMetrics::RouteMetrics(std::string method, std::string route)
	: _labels("method=\"" + escapeLabel(method) + "\",route=\"" + escapeLabel(route) + "\"")
{
}

void RouteMetrics::record(int status, std::chrono::nanoseconds latency)
{
	if (status >= 0 && status < static_cast<int>(_statusCounts.size()))
		_statusCounts[static_cast<std::size_t>(status)].fetch_add(1, std::memory_order_relaxed);

	double seconds = std::chrono::duration<double>(latency).count();
	std::size_t bucket = 0;
	while (bucket < kBuckets.size() && seconds > kBuckets[bucket])
		++bucket;
	_bucketCounts[bucket].fetch_add(1, std::memory_order_relaxed);
	_latencySumNanos.fetch_add(static_cast<std::uint64_t>(latency.count()), std::memory_order_relaxed);
}

void RouteMetrics::write(std::string& out) const
{
	char number[64];
	for (std::size_t status = 0; status < _statusCounts.size(); ++status)
	{
		std::uint64_t count = _statusCounts[status].load(std::memory_order_relaxed);
		if (count != 0)
			out += "gpucloud_http_requests_total{" + _labels + ",status=\"" + std::to_string(status) + "\"} "
				+ std::to_string(count) + "\n";
	}

	std::uint64_t cumulative = 0;
	for (std::size_t bucket = 0; bucket < _bucketCounts.size(); ++bucket)
	{
		cumulative += _bucketCounts[bucket].load(std::memory_order_relaxed);
		std::string bound = "+Inf";
		if (bucket < kBuckets.size())
		{
			std::snprintf(number, sizeof(number), "%g", kBuckets[bucket]);
			bound = number;
		}
		out += "gpucloud_http_request_duration_seconds_bucket{" + _labels + ",le=\"" + bound + "\"} "
			+ std::to_string(cumulative) + "\n";
	}
	std::snprintf(number, sizeof(number), "%.9f", static_cast<double>(_latencySumNanos.load(std::memory_order_relaxed)) / 1e9);
	out += "gpucloud_http_request_duration_seconds_sum{" + _labels + "} " + number + "\n";
	out += "gpucloud_http_request_duration_seconds_count{" + _labels + "} " + std::to_string(cumulative) + "\n";
}

std::shared_ptr<RouteMetrics> MetricsRegistry::route(const std::string& method, const std::string& pattern)
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto& entry = _routes[method + " " + pattern];
	if (!entry)
		entry = std::make_shared<RouteMetrics>(method, pattern);
	return entry;
}

void MetricsRegistry::addCollector(Collector collector)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_collectors.push_back(std::move(collector));
}

std::string MetricsRegistry::scrape() const
{
	std::string out;
	out += "# HELP gpucloud_http_requests_total HTTP requests by route, method and status.\n";
	out += "# TYPE gpucloud_http_requests_total counter\n";
	std::vector<std::shared_ptr<RouteMetrics>> routes;
	std::vector<Collector> collectors;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		for (const auto& entry : _routes)
			routes.push_back(entry.second);
		collectors = _collectors;
	}
	std::string histograms;
	for (const auto& route : routes)
	{
		std::string samples;
		route->write(samples);
		// Counter lines first, histogram lines after, so that each family's samples stay together.
		std::size_t split = samples.find("gpucloud_http_request_duration_seconds_bucket");
		out += samples.substr(0, split);
		histograms += samples.substr(split);
	}
	out += "# HELP gpucloud_http_request_duration_seconds HTTP request latency by route and method.\n";
	out += "# TYPE gpucloud_http_request_duration_seconds histogram\n";
	out += histograms;
	for (const Collector& collector : collectors)
		collector(out);
	return out;
}

} // namespace gpucloud::metrics
