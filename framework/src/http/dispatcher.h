#pragma once

#include <map>
#include <memory>

#include "auth/authenticator.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"
#include "metrics/metrics_registry.h"
#include "ratelimit/rate_limiter.h"

namespace Poco
{
class Logger;
}

namespace gpucloud::http
{

/// Runs one request through the API's rules, independently of the HTTP server library. The steps are route lookup
/// (JSON 404, and 405 with Allow), authentication, rate limiting with RateLimit-* headers, the route's permission,
/// the Content-Type check (415) and the handler. Every exception becomes a JSON error.
class Dispatcher
{
public:
	/// `authenticator` and `rateLimiter` may be null: then every credential is rejected and nothing is limited.
	/// With `metrics`, every request is counted by route and status with its latency; the routing table must be
	/// complete when the dispatcher is created.
	Dispatcher(const Router& router, std::shared_ptr<auth::Authenticator> authenticator,
		std::shared_ptr<ratelimit::RateLimiter> rateLimiter, std::shared_ptr<metrics::MetricsRegistry> metrics = nullptr);

	/// Returns the handler's response, or the error response that a failure maps to.
	Response dispatch(Request& request) const;

private:
	Response route(Request& request, const Route*& matched) const;
	Response run(Request& request, const Route& route, std::vector<std::pair<std::string, std::string>>& extraHeaders) const;
	void authenticate(Request& request, const Route& route) const;
	void applyRateLimit(Request& request, const Route& route,
		std::vector<std::pair<std::string, std::string>>& extraHeaders) const;

	const Router& _router;
	std::shared_ptr<auth::Authenticator> _authenticator;
	std::shared_ptr<ratelimit::RateLimiter> _rateLimiter;
	Poco::Logger& _logger;
	std::map<const Route*, std::shared_ptr<metrics::RouteMetrics>> _routeMetrics;
	std::shared_ptr<metrics::RouteMetrics> _unmatchedMetrics;
};

} // namespace gpucloud::http
