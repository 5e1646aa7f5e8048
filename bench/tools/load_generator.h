#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace gpucloud::bench
{

/// One HTTP request of a load run.
struct LoadRequest
{
	std::string method = "GET";
	std::string path;
	std::vector<std::pair<std::string, std::string>> headers;
	std::string body;  ///< sent as application/json when not empty
};

/// Parameters of a load run against one server on loopback.
struct LoadSettings
{
	std::string host = "127.0.0.1";
	std::uint16_t port = 0;
	int connections = 16;         ///< one thread and one keep-alive connection each
	std::int64_t requests = 1000; ///< total requests; the run ends when all are answered or at maxDuration
	double rate = 0;              ///< target requests per second over all connections; 0 sends as fast as possible
	std::chrono::seconds maxDuration{120};
	std::chrono::seconds timeout{10};  ///< per request
	int expectedStatus = 200;
};

/// Outcome of a load run. Latencies are measured from the moment a request was sent to the end of its response.
struct LoadReport
{
	std::int64_t sent = 0;
	std::int64_t succeeded = 0;               ///< responses with the expected status
	std::map<int, std::int64_t> failedByStatus;  ///< other statuses; 0 counts connection errors and timeouts
	double seconds = 0;                       ///< from the first send to the last response
	std::vector<double> latenciesMs;          ///< of the successful requests, sorted

	double percentile(double fraction) const;
	/// Prints the report as one JSON line prefixed with "LOAD_JSON ".
	std::string toJson() const;
};

/// Sends `settings.requests` requests from `settings.connections` threads, each on its own keep-alive
/// connection, paced to `settings.rate` when it is set. `makeRequest(i)` builds request number i (0-based, each i
/// used once); `onResponse(i, status, body)` is called for every response from the sending thread and must be
/// thread-safe.
class LoadGenerator
{
public:
	using RequestFactory = std::function<LoadRequest(std::int64_t index)>;
	using ResponseHandler = std::function<void(std::int64_t index, int status, const std::string& body)>;

	LoadGenerator(LoadSettings settings, RequestFactory makeRequest, ResponseHandler onResponse = {});

	LoadReport run();

private:
	void work(int connection, std::chrono::steady_clock::time_point start, LoadReport& report);

	LoadSettings _settings;
	RequestFactory _makeRequest;
	ResponseHandler _onResponse;
};

} // namespace gpucloud::bench
