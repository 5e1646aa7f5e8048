#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Parser.h>

#include "gpucloud/sdk/errors.h"
#include "http/api_error.h"
#include "http/dispatcher.h"
#include "http/validation.h"

using namespace gpucloud;
using http::Request;
using http::Response;

namespace
{

/// Accepts the credentials "user-token" (JWT-like, full access) and "key-<scope>" (an API key with one scope).
class FakeAuthenticator : public auth::Authenticator
{
public:
	auth::Principal authenticate(const std::string& credential) override
	{
		auth::Principal principal;
		principal.userId = 7;
		if (credential == "user-token")
			return principal;
		if (credential == "admin-token")
		{
			principal.isAdmin = true;
			return principal;
		}
		if (credential.rfind("key-", 0) == 0)
		{
			principal.viaApiKey = true;
			principal.scopes = {credential.substr(4)};
			return principal;
		}
		throw http::unauthorized("Invalid credential");
	}
};

/// Allows `allowance` requests, then refuses with a retry hint of 12 seconds.
class CountingLimiter : public ratelimit::RateLimiter
{
public:
	explicit CountingLimiter(int allowance) : _allowance(allowance) {}

	ratelimit::RateDecision consume(ratelimit::RateClass, const std::string& key) override
	{
		lastKey = key;
		ratelimit::RateDecision decision;
		decision.limit = 2;
		decision.allowed = _allowance-- > 0;
		decision.remaining = decision.allowed ? static_cast<std::uint32_t>(_allowance) : 0;
		decision.reset = std::chrono::seconds(30);
		decision.retryAfter = decision.allowed ? std::chrono::seconds(0) : std::chrono::seconds(12);
		return decision;
	}

	std::string lastKey;

private:
	int _allowance;
};

Request makeRequest(const std::string& method, const std::string& path, const std::string& body = "",
	const std::string& credential = "")
{
	Request request;
	request.method = method;
	request.path = path;
	request.body = body;
	request.requestId = "req-1";
	request.clientAddress = "127.0.0.1";
	if (!body.empty())
		request.headers["Content-Type"] = "application/json";
	if (!credential.empty())
		request.headers["Authorization"] = "Bearer " + credential;
	return request;
}

std::string headerOf(const Response& response, const std::string& name)
{
	for (const auto& header : response.headers)
	{
		if (header.first == name)
			return header.second;
	}
	return {};
}

Poco::JSON::Object::Ptr parse(const Response& response)
{
	return Poco::JSON::Parser().parse(response.body).extract<Poco::JSON::Object::Ptr>();
}

} // namespace

class DispatcherTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(DispatcherTest);
	CPPUNIT_TEST(unknownRouteIsJson404);
	CPPUNIT_TEST(wrongMethodIs405WithAllow);
	CPPUNIT_TEST(malformedJsonIs400);
	CPPUNIT_TEST(nonObjectJsonIs422);
	CPPUNIT_TEST(wrongContentTypeIs415);
	CPPUNIT_TEST(contentTypeWithCharsetAccepted);
	CPPUNIT_TEST(validationIsFastApiShaped);
	CPPUNIT_TEST(unexpectedExceptionIsOpaque500);
	CPPUNIT_TEST(nonStandardExceptionIs500);
	CPPUNIT_TEST(backendErrorsMapByKind);
	CPPUNIT_TEST(missingCredentialIs401);
	CPPUNIT_TEST(badCredentialIs401);
	CPPUNIT_TEST(nonBearerSchemeIs401);
	CPPUNIT_TEST(badCredentialIgnoredOnPublicRoute);
	CPPUNIT_TEST(scopeMatrixEnforced);
	CPPUNIT_TEST(adminRouteNeedsAdmin);
	CPPUNIT_TEST(rateLimitHeadersAndRetryAfter);
	CPPUNIT_TEST(rateLimitKeyedByUser);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_router = std::make_unique<http::Router>();
		_router->add("GET", "/public", [](Request&) { return Response::rawJson("{\"ok\":true}"); });
		_router->add("POST", "/echo", [](Request& request) {
			http::JsonFields fields(request.jsonBody());
			auto name = fields.string("name", true, 10);
			auto count = fields.integer("count", true, 1, 8);
			fields.check();
			Poco::JSON::Object body;
			body.set("name", *name);
			body.set("count", *count);
			return Response::json(body, 201);
		});
		_router->add("GET", "/boom", [](Request&) -> Response { throw std::runtime_error("SELECT secret FROM users"); });
		_router->add("GET", "/int", [](Request&) -> Response { throw 42; });
		_router->add("GET", "/backend/{kind}", [](Request& request) -> Response {
			const std::string& kind = request.pathParameter("kind");
			if (kind == "missing")
				throw sdk::BackendError(sdk::ErrorKind::NotFound, "node vm01: no domain 'x'");
			if (kind == "down")
				throw sdk::BackendError(sdk::ErrorKind::Unavailable, "node vm01 unreachable", std::chrono::seconds(7));
			if (kind == "busy")
				throw sdk::BackendError(sdk::ErrorKind::Conflict, "locked");
			throw sdk::BackendError(sdk::ErrorKind::Fatal, "node vm01: internal error in virDomainCreate");
		});
		_router->add("GET", "/vms", [](Request&) { return Response::rawJson("[]"); }, {auth::Permission::Read});
		_router->add("POST", "/vms", [](Request&) { return Response::rawJson("{}", 201); }, {auth::Permission::Write});
		_router->add("GET", "/billing/balance", [](Request&) { return Response::rawJson("{}"); },
			{auth::Permission::BillingRead});
		_router->add("GET", "/auth/me", [](Request&) { return Response::rawJson("{}"); }, {auth::Permission::Profile});
		_router->add("GET", "/admin/users", [](Request&) { return Response::rawJson("[]"); }, {auth::Permission::Admin});
		_authenticator = std::make_shared<FakeAuthenticator>();
	}

	void unknownRouteIsJson404()
	{
		Response response = dispatch(makeRequest("GET", "/nothing"));
		CPPUNIT_ASSERT_EQUAL(404, response.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Not Found"), parse(response)->getValue<std::string>("detail"));
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), response.contentType);
	}

	void wrongMethodIs405WithAllow()
	{
		Response response = dispatch(makeRequest("DELETE", "/echo"));
		CPPUNIT_ASSERT_EQUAL(405, response.status);
		CPPUNIT_ASSERT_EQUAL(std::string("POST"), headerOf(response, "Allow"));
		CPPUNIT_ASSERT(parse(response)->has("detail"));
	}

	void malformedJsonIs400()
	{
		Response response = dispatch(makeRequest("POST", "/echo", "{\"name\": "));
		CPPUNIT_ASSERT_EQUAL(400, response.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Request body is not valid JSON"), parse(response)->getValue<std::string>("detail"));
	}

	void nonObjectJsonIs422()
	{
		Response response = dispatch(makeRequest("POST", "/echo", "[1, 2]"));
		CPPUNIT_ASSERT_EQUAL(422, response.status);
	}

	void wrongContentTypeIs415()
	{
		Request request = makeRequest("POST", "/echo", "name=x");
		request.headers["Content-Type"] = "application/x-www-form-urlencoded";
		CPPUNIT_ASSERT_EQUAL(415, dispatch(request).status);
		request.headers.erase("Content-Type");
		CPPUNIT_ASSERT_EQUAL(415, dispatch(request).status);
	}

	void contentTypeWithCharsetAccepted()
	{
		Request request = makeRequest("POST", "/echo", R"({"name": "a", "count": 2})");
		request.headers["Content-Type"] = "Application/JSON; charset=utf-8";
		CPPUNIT_ASSERT_EQUAL(201, dispatch(request).status);
	}

	void validationIsFastApiShaped()
	{
		Response response = dispatch(makeRequest("POST", "/echo", R"({"name": 5, "count": 9})"));
		CPPUNIT_ASSERT_EQUAL(422, response.status);
		Poco::JSON::Array::Ptr detail = parse(response)->getArray("detail");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), detail->size());
		Poco::JSON::Object::Ptr first = detail->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("body"), first->getArray("loc")->getElement<std::string>(0));
		CPPUNIT_ASSERT_EQUAL(std::string("name"), first->getArray("loc")->getElement<std::string>(1));
		CPPUNIT_ASSERT_EQUAL(std::string("string_type"), first->getValue<std::string>("type"));
		CPPUNIT_ASSERT(!first->getValue<std::string>("msg").empty());
		Poco::JSON::Object::Ptr second = detail->getObject(1);
		CPPUNIT_ASSERT_EQUAL(std::string("count"), second->getArray("loc")->getElement<std::string>(1));
		CPPUNIT_ASSERT_EQUAL(std::string("less_than_equal"), second->getValue<std::string>("type"));
	}

	void unexpectedExceptionIsOpaque500()
	{
		Response response = dispatch(makeRequest("GET", "/boom"));
		CPPUNIT_ASSERT_EQUAL(500, response.status);
		std::string detail = parse(response)->getValue<std::string>("detail");
		CPPUNIT_ASSERT(detail.find("req-1") != std::string::npos);
		CPPUNIT_ASSERT(response.body.find("SELECT") == std::string::npos);
	}

	void nonStandardExceptionIs500()
	{
		CPPUNIT_ASSERT_EQUAL(500, dispatch(makeRequest("GET", "/int")).status);
	}

	void backendErrorsMapByKind()
	{
		CPPUNIT_ASSERT_EQUAL(404, dispatch(makeRequest("GET", "/backend/missing")).status);
		CPPUNIT_ASSERT_EQUAL(409, dispatch(makeRequest("GET", "/backend/busy")).status);
		Response down = dispatch(makeRequest("GET", "/backend/down"));
		CPPUNIT_ASSERT_EQUAL(503, down.status);
		CPPUNIT_ASSERT_EQUAL(std::string("7"), headerOf(down, "Retry-After"));
		Response fatal = dispatch(makeRequest("GET", "/backend/fatal"));
		CPPUNIT_ASSERT_EQUAL(502, fatal.status);
		CPPUNIT_ASSERT(fatal.body.find("virDomainCreate") == std::string::npos);
	}

	void missingCredentialIs401()
	{
		Response response = dispatch(makeRequest("GET", "/vms"));
		CPPUNIT_ASSERT_EQUAL(401, response.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), headerOf(response, "WWW-Authenticate"));
	}

	void badCredentialIs401()
	{
		CPPUNIT_ASSERT_EQUAL(401, dispatch(makeRequest("GET", "/vms", "", "forged")).status);
	}

	void nonBearerSchemeIs401()
	{
		Request request = makeRequest("GET", "/vms");
		request.headers["Authorization"] = "Basic dXNlcjpwYXNz";
		CPPUNIT_ASSERT_EQUAL(401, dispatch(request).status);
	}

	void badCredentialIgnoredOnPublicRoute()
	{
		CPPUNIT_ASSERT_EQUAL(200, dispatch(makeRequest("GET", "/public", "", "forged")).status);
	}

	void scopeMatrixEnforced()
	{
		struct Case
		{
			std::string method;
			std::string path;
			std::string credential;
			int status;
		};
		const Case cases[] = {
			{"GET", "/vms", "user-token", 200},
			{"POST", "/vms", "user-token", 201},
			{"GET", "/vms", "key-read_write", 200},
			{"POST", "/vms", "key-read_write", 201},
			{"GET", "/vms", "key-read_only", 200},
			{"POST", "/vms", "key-read_only", 403},
			{"GET", "/billing/balance", "key-read_only", 200},
			{"GET", "/vms", "key-billing_only", 403},
			{"POST", "/vms", "key-billing_only", 403},
			{"GET", "/billing/balance", "key-billing_only", 200},
			{"GET", "/auth/me", "key-billing_only", 200},
			{"GET", "/auth/me", "key-read_only", 200},
		};
		for (const Case& test : cases)
		{
			Request request = makeRequest(test.method, test.path, "", test.credential);
			if (test.method == "POST")
			{
				request.body = "{}";
				request.headers["Content-Type"] = "application/json";
			}
			Response response = dispatch(request);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(test.method + " " + test.path + " with " + test.credential, test.status,
				response.status);
		}
		Response denied = dispatch(makeRequest("GET", "/vms", "", "key-billing_only"));
		CPPUNIT_ASSERT(parse(denied)->getValue<std::string>("detail").find("read_only") != std::string::npos);
	}

	void adminRouteNeedsAdmin()
	{
		CPPUNIT_ASSERT_EQUAL(403, dispatch(makeRequest("GET", "/admin/users", "", "user-token")).status);
		CPPUNIT_ASSERT_EQUAL(200, dispatch(makeRequest("GET", "/admin/users", "", "admin-token")).status);
	}

	void rateLimitHeadersAndRetryAfter()
	{
		auto limiter = std::make_shared<CountingLimiter>(1);
		http::Dispatcher dispatcher(*_router, _authenticator, limiter);
		Request first = makeRequest("GET", "/public");
		Response allowed = dispatcher.dispatch(first);
		CPPUNIT_ASSERT_EQUAL(200, allowed.status);
		CPPUNIT_ASSERT_EQUAL(std::string("2"), headerOf(allowed, "RateLimit-Limit"));
		CPPUNIT_ASSERT_EQUAL(std::string("0"), headerOf(allowed, "RateLimit-Remaining"));
		CPPUNIT_ASSERT_EQUAL(std::string("30"), headerOf(allowed, "RateLimit-Reset"));

		Request second = makeRequest("GET", "/public");
		Response limited = dispatcher.dispatch(second);
		CPPUNIT_ASSERT_EQUAL(429, limited.status);
		CPPUNIT_ASSERT_EQUAL(std::string("12"), headerOf(limited, "Retry-After"));
		CPPUNIT_ASSERT_EQUAL(std::string("0"), headerOf(limited, "RateLimit-Remaining"));
		CPPUNIT_ASSERT(parse(limited)->has("detail"));
	}

	void rateLimitKeyedByUser()
	{
		auto limiter = std::make_shared<CountingLimiter>(10);
		http::Dispatcher dispatcher(*_router, _authenticator, limiter);
		Request anonymous = makeRequest("GET", "/public");
		dispatcher.dispatch(anonymous);
		CPPUNIT_ASSERT_EQUAL(std::string("ip:127.0.0.1"), limiter->lastKey);
		Request authenticated = makeRequest("GET", "/vms", "", "user-token");
		dispatcher.dispatch(authenticated);
		CPPUNIT_ASSERT_EQUAL(std::string("user:7"), limiter->lastKey);
	}

private:
	Response dispatch(Request request)
	{
		http::Dispatcher dispatcher(*_router, _authenticator, nullptr);
		return dispatcher.dispatch(request);
	}

	std::unique_ptr<http::Router> _router;
	std::shared_ptr<auth::Authenticator> _authenticator;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DispatcherTest);
