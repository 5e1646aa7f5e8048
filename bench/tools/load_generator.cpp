#include "load_generator.h"

#include <algorithm>
#include <memory>
#include <mutex>
#include <sstream>
#include <thread>

#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

namespace gpucloud::bench
{

namespace
{

using Clock = std::chrono::steady_clock;

std::unique_ptr<Poco::Net::HTTPClientSession> openSession(const LoadSettings& settings)
{
	auto session = std::make_unique<Poco::Net::HTTPClientSession>(settings.host, settings.port);
	session->setKeepAlive(true);
	session->setTimeout(Poco::Timespan(settings.timeout.count(), 0));
	return session;
}

int send(Poco::Net::HTTPClientSession& session, const LoadRequest& request, std::string& responseBody)
{
	Poco::Net::HTTPRequest httpRequest(request.method, request.path, Poco::Net::HTTPMessage::HTTP_1_1);
	httpRequest.setKeepAlive(true);
	for (const auto& header : request.headers)
		httpRequest.set(header.first, header.second);
	if (!request.body.empty())
	{
		httpRequest.setContentType("application/json");
		httpRequest.setContentLength64(static_cast<Poco::Int64>(request.body.size()));
	}
	std::ostream& out = session.sendRequest(httpRequest);
	out << request.body;

	Poco::Net::HTTPResponse response;
	std::istream& in = session.receiveResponse(response);
	responseBody.clear();
	Poco::StreamCopier::copyToString(in, responseBody);
	return static_cast<int>(response.getStatus());
}

} // namespace

double LoadReport::percentile(double fraction) const
{
	if (latenciesMs.empty())
		return 0;
	auto rank = static_cast<std::size_t>(fraction * static_cast<double>(latenciesMs.size() - 1) + 0.5);
	return latenciesMs[std::min(rank, latenciesMs.size() - 1)];
}

std::string LoadReport::toJson() const
{
	std::ostringstream out;
	out.setf(std::ios::fixed);
	out.precision(3);
	std::int64_t failed = 0;
	std::ostringstream statuses;
	for (const auto& [status, count] : failedByStatus)
	{
		failed += count;
		statuses << (statuses.tellp() > 0 ? ", " : "") << '"' << status << "\": " << count;
	}
	out << "LOAD_JSON {\"sent\": " << sent << ", \"succeeded\": " << succeeded << ", \"failed\": " << failed
		<< ", \"failed_by_status\": {" << statuses.str() << "}, \"seconds\": " << seconds
		<< ", \"rate\": " << (seconds > 0 ? static_cast<double>(succeeded) / seconds : 0.0)
		<< ", \"p50_ms\": " << percentile(0.50) << ", \"p90_ms\": " << percentile(0.90)
		<< ", \"p99_ms\": " << percentile(0.99) << ", \"max_ms\": " << (latenciesMs.empty() ? 0 : latenciesMs.back())
		<< "}";
	return out.str();
}

LoadGenerator::LoadGenerator(LoadSettings settings, RequestFactory makeRequest, ResponseHandler onResponse)
	: _settings(std::move(settings)), _makeRequest(std::move(makeRequest)), _onResponse(std::move(onResponse))
{
}

LoadReport LoadGenerator::run()
{
	std::vector<LoadReport> reports(static_cast<std::size_t>(_settings.connections));
	std::vector<std::thread> threads;
	Clock::time_point start = Clock::now();
	for (int connection = 0; connection < _settings.connections; ++connection)
	{
		threads.emplace_back([this, connection, start, &reports] {
			work(connection, start, reports[static_cast<std::size_t>(connection)]);
		});
	}
	for (std::thread& thread : threads)
		thread.join();

	LoadReport total;
	for (const LoadReport& report : reports)
	{
		total.sent += report.sent;
		total.succeeded += report.succeeded;
		for (const auto& [status, count] : report.failedByStatus)
			total.failedByStatus[status] += count;
		total.seconds = std::max(total.seconds, report.seconds);
		total.latenciesMs.insert(total.latenciesMs.end(), report.latenciesMs.begin(), report.latenciesMs.end());
	}
	std::sort(total.latenciesMs.begin(), total.latenciesMs.end());
	return total;
}

void LoadGenerator::work(int connection, Clock::time_point start, LoadReport& report)
{
	const Clock::time_point deadline = start + _settings.maxDuration;
	std::unique_ptr<Poco::Net::HTTPClientSession> session = openSession(_settings);
	std::string body;

	for (std::int64_t index = connection; index < _settings.requests; index += _settings.connections)
	{
		if (_settings.rate > 0)
		{
			auto due = start + std::chrono::duration_cast<Clock::duration>(
								   std::chrono::duration<double>(static_cast<double>(index) / _settings.rate));
			if (due > deadline)
				break;
			std::this_thread::sleep_until(due);
		}
		if (Clock::now() >= deadline)
			break;

		LoadRequest request = _makeRequest(index);
		Clock::time_point sent = Clock::now();
		++report.sent;
		int status = 0;
		try
		{
			status = send(*session, request, body);
		}
		catch (const Poco::Exception&)
		{
			// A broken or timed-out connection counts as status 0; the next request gets a fresh connection.
			session = openSession(_settings);
			body.clear();
		}
		Clock::time_point answered = Clock::now();
		report.seconds = std::chrono::duration<double>(answered - start).count();

		if (status == _settings.expectedStatus)
		{
			++report.succeeded;
			report.latenciesMs.push_back(std::chrono::duration<double, std::milli>(answered - sent).count());
		}
		else
		{
			++report.failedByStatus[status];
		}
		if (_onResponse)
			_onResponse(index, status, body);
	}
}

} // namespace gpucloud::bench
