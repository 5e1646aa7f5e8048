#include "http/dispatcher.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/String.h>

#include "http/api_error.h"
#include "http/error_mapping.h"

namespace gpucloud::http
{

namespace
{

std::string joinMethods(const std::vector<std::string>& methods)
{
	std::string joined;
	for (const std::string& method : methods)
	{
		if (!joined.empty())
			joined += ", ";
		joined += method;
	}
	return joined;
}

Response detail(int status, const std::string& text)
{
	return apiErrorResponse(ApiError(status, text));
}

bool hasBody(const Request& request)
{
	return !request.body.empty();
}

bool isJsonContentType(const std::string& contentType)
{
	std::string mediaType = Poco::toLower(Poco::trim(contentType.substr(0, contentType.find(';'))));
	return mediaType == "application/json";
}

/// Extracts the credential of "Authorization: Bearer <credential>"; empty when the header is absent.
std::string bearerCredential(const Request& request)
{
	const std::string& header = request.header("Authorization");
	if (header.empty())
		return {};
	const std::string prefix = "bearer ";
	if (header.size() <= prefix.size() || Poco::icompare(header.substr(0, prefix.size()), prefix) != 0)
		throw unauthorized("Authorization header must use the Bearer scheme");
	return Poco::trim(header.substr(prefix.size()));
}

} // namespace

Dispatcher::Dispatcher(const Router& router, std::shared_ptr<auth::Authenticator> authenticator,
	std::shared_ptr<ratelimit::RateLimiter> rateLimiter, std::shared_ptr<metrics::MetricsRegistry> metrics)
	: _router(router)
	, _authenticator(std::move(authenticator))
	, _rateLimiter(std::move(rateLimiter))
	, _logger(Poco::Logger::get("gpucloud.http"))
{
	if (!metrics)
		return;
	for (const auto& route : _router.routes())
		_routeMetrics[route.get()] = metrics->route(route->method, route->pattern);
	_unmatchedMetrics = metrics->route("*", "unmatched");
}

Response Dispatcher::dispatch(Request& request) const
{
	auto started = std::chrono::steady_clock::now();
	const Route* matched = nullptr;
	Response response = route(request, matched);

	auto found = matched ? _routeMetrics.find(matched) : _routeMetrics.end();
	metrics::RouteMetrics* routeMetrics = found != _routeMetrics.end() ? found->second.get() : _unmatchedMetrics.get();
	if (routeMetrics)
		routeMetrics->record(response.status, std::chrono::steady_clock::now() - started);
	return response;
}

Response Dispatcher::route(Request& request, const Route*& matched) const
{
	RouteMatch match = _router.match(request.method, request.path);
	if (match.outcome == RouteMatch::Outcome::NotFound)
		return detail(404, "Not Found");
	if (match.outcome == RouteMatch::Outcome::MethodNotAllowed)
		return detail(405, "Method Not Allowed").withHeader("Allow", joinMethods(match.allowedMethods));

	matched = match.route;
	request.pathParameters = std::move(match.parameters);
	request.routePattern = match.route->pattern;

	std::vector<std::pair<std::string, std::string>> extraHeaders;
	Response response;
	try
	{
		response = run(request, *match.route, extraHeaders);
	}
	catch (...)
	{
		bool serverFault = false;
		response = errorResponse(std::current_exception(), request.requestId, serverFault);
		if (serverFault)
		{
			try
			{
				throw;
			}
			catch (const Poco::Exception& error)
			{
				_logger.error("request_id=%s route=\"%s %s\" failed: %s", request.requestId, request.method,
					request.routePattern, error.displayText());
			}
			catch (const std::exception& error)
			{
				_logger.error("request_id=%s route=\"%s %s\" failed: %s", request.requestId, request.method,
					request.routePattern, std::string(error.what()));
			}
			catch (...)
			{
				_logger.error("request_id=%s route=\"%s %s\" failed with an exception of unknown type",
					request.requestId, request.method, request.routePattern);
			}
		}
	}
	for (auto& header : extraHeaders)
		response.headers.push_back(std::move(header));
	return response;
}

Response Dispatcher::run(Request& request, const Route& route,
	std::vector<std::pair<std::string, std::string>>& extraHeaders) const
{
	authenticate(request, route);
	applyRateLimit(request, route, extraHeaders);

	if (route.options.permission != auth::Permission::Public)
	{
		const auth::Principal& caller = request.caller();
		if (!auth::isAllowed(caller, route.options.permission))
		{
			if (route.options.permission == auth::Permission::Admin && !caller.isAdmin)
				throw forbidden("Administrator privileges required");
			throw forbidden("API key scope '" + auth::requiredScopeName(route.options.permission) + "' required");
		}
	}

	if (hasBody(request) && !isJsonContentType(request.header("Content-Type")))
		throw ApiError(415, "Content-Type must be application/json");

	return route.handler(request);
}

void Dispatcher::authenticate(Request& request, const Route& route) const
{
	std::string credential;
	try
	{
		credential = bearerCredential(request);
	}
	catch (const ApiError&)
	{
		if (route.options.permission != auth::Permission::Public)
			throw;
		return;
	}

	if (credential.empty())
	{
		if (route.options.permission != auth::Permission::Public)
			throw unauthorized("Not authenticated");
		return;
	}
	if (!_authenticator)
	{
		if (route.options.permission != auth::Permission::Public)
			throw unauthorized("Invalid credential");
		return;
	}

	try
	{
		request.principal = _authenticator->authenticate(credential);
	}
	catch (const ApiError&)
	{
		// A public route works without a credential, so a bad one is ignored there instead of failing the request.
		if (route.options.permission != auth::Permission::Public)
			throw;
	}
}

void Dispatcher::applyRateLimit(Request& request, const Route& route,
	std::vector<std::pair<std::string, std::string>>& extraHeaders) const
{
	if (!_rateLimiter || route.options.rateClass == ratelimit::RateClass::None)
		return;

	std::string key = request.principal ? "user:" + std::to_string(request.principal->userId)
										: "ip:" + request.clientAddress;
	ratelimit::RateDecision decision = _rateLimiter->consume(route.options.rateClass, key);

	extraHeaders.emplace_back("RateLimit-Limit", std::to_string(decision.limit));
	extraHeaders.emplace_back("RateLimit-Remaining", std::to_string(decision.allowed ? decision.remaining : 0));
	extraHeaders.emplace_back("RateLimit-Reset", std::to_string(decision.reset.count()));
	if (!decision.allowed)
	{
		auto retryAfter = std::max<std::int64_t>(1, decision.retryAfter.count());
		throw ApiError(429, "Rate limit exceeded for '" + std::string(ratelimit::rateClassName(route.options.rateClass))
				+ "' requests; retry in " + std::to_string(retryAfter) + (retryAfter == 1 ? " second" : " seconds"))
			.withHeader("Retry-After", std::to_string(retryAfter));
	}
}

} // namespace gpucloud::http
