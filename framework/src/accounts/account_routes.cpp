#include "accounts/account_routes.h"

#include <algorithm>

#include <Poco/JSON/Array.h>

#include "accounts/account_json.h"
#include "http/validation.h"

namespace gpucloud::accounts
{

namespace
{

using auth::Permission;
using http::Request;
using http::Response;
using ratelimit::RateClass;

/// Longest password accepted; Argon2 takes any length, the cap only bounds the work a request can ask for.
constexpr std::size_t kMaxPasswordLength = 1024;
constexpr std::size_t kMaxEmailLength = 254;

struct Credentials
{
	std::string email;
	std::string password;
};

Credentials readCredentials(const Request& request)
{
	http::JsonFields fields(request.jsonBody());
	auto email = fields.string("email", true, kMaxEmailLength);
	auto password = fields.string("password", true, kMaxPasswordLength);
	fields.check();
	return Credentials{*email, *password};
}

std::string readCode(const Request& request, const std::string& field)
{
	http::JsonFields fields(request.jsonBody());
	auto code = fields.string(field, true, 64, 1);
	fields.check();
	return *code;
}

class AccountRoutes
{
public:
	explicit AccountRoutes(std::shared_ptr<AccountService> service) : _service(std::move(service)) {}

	Response registerUser(Request& request)
	{
		Credentials credentials = readCredentials(request);
		User user = _service->registerUser(credentials.email, credentials.password, request.clientAddress);
		return Response::json(userJson(user), 201);
	}

	Response login(Request& request)
	{
		Credentials credentials = readCredentials(request);
		LoginResult result = _service->login(credentials.email, credentials.password, request.clientAddress);
		if (!result.requiresTwoFactor)
			return Response::json(tokenPairJson(result.tokens));

		Poco::JSON::Object::Ptr json = http::orderedObject();
		json->set("requires_2fa", true);
		json->set("token", result.challengeToken);
		json->set("expires_in", result.challengeExpiresIn);
		return Response::json(json);
	}

	Response verifyTwoFactor(Request& request)
	{
		http::JsonFields fields(request.jsonBody());
		auto token = fields.string("token", true, 4096, 1);
		auto code = fields.string("totp_code", true, 64, 1);
		fields.check();
		return Response::json(tokenPairJson(_service->verifyTwoFactor(*token, *code, request.clientAddress)));
	}

	Response refresh(Request& request)
	{
		http::JsonFields fields(request.jsonBody());
		auto token = fields.string("refresh_token", true, 4096, 1);
		fields.check();
		return Response::json(tokenPairJson(_service->refresh(*token)));
	}

	Response logout(Request& request)
	{
		http::JsonFields fields(request.jsonBody());
		auto token = fields.string("refresh_token", false, 4096, 1);
		fields.check();
		_service->logout(request.caller().userId, token);
		return Response::noContent();
	}

	Response me(Request& request) { return Response::json(userJson(_service->user(request.caller().userId))); }

	Response changePassword(Request& request)
	{
		http::JsonFields fields(request.jsonBody());
		auto current = fields.string("current_password", true, kMaxPasswordLength);
		auto next = fields.string("new_password", true, kMaxPasswordLength);
		fields.check();
		_service->changePassword(request.caller().userId, *current, *next, request.clientAddress);
		return Response::noContent();
	}

	Response setupTwoFactor(Request& request)
	{
		TotpSetup setup = _service->setupTwoFactor(request.caller().userId, request.clientAddress);
		Poco::JSON::Object::Ptr json = http::orderedObject();
		json->set("secret", setup.secret);
		json->set("otpauth_uri", setup.otpauthUri);
		return Response::json(json);
	}

	Response enableTwoFactor(Request& request)
	{
		std::string code = readCode(request, "totp_code");
		std::vector<std::string> backupCodes = _service->enableTwoFactor(request.caller().userId, code,
			request.clientAddress);
		Poco::JSON::Array::Ptr codes = new Poco::JSON::Array;
		for (const std::string& backupCode : backupCodes)
			codes->add(backupCode);
		Poco::JSON::Object::Ptr json = http::orderedObject();
		json->set("totp_enabled", true);
		json->set("backup_codes", codes);
		return Response::json(json);
	}

	Response disableTwoFactor(Request& request)
	{
		std::string code = readCode(request, "totp_code");
		_service->disableTwoFactor(request.caller().userId, code, request.clientAddress);
		Poco::JSON::Object::Ptr json = http::orderedObject();
		json->set("totp_enabled", false);
		return Response::json(json);
	}

	Response createApiKey(Request& request)
	{
		http::JsonFields fields(request.jsonBody());
		ApiKeyRequest keyRequest;
		if (auto name = fields.string("name", false, 100, 1))
			keyRequest.name = *name;
		if (auto scopes = fields.stringList("scopes", false))
		{
			if (scopes->empty())
				fields.fail("scopes", "List should have at least 1 item", "too_short");
			keyRequest.scopes = *scopes;
		}
		keyRequest.expiresInDays = fields.integer("expires_in_days", false, 1, 3650);
		fields.check();
		return Response::json(createdApiKeyJson(_service->createApiKey(request.caller().userId, keyRequest,
			request.clientAddress)));
	}

	Response listApiKeys(Request& request)
	{
		http::QueryFields query(request);
		bool includeRevoked = query.boolean("include_revoked").value_or(false);
		http::Pagination page = query.pagination();
		query.check();

		std::vector<ApiKey> keys = _service->listApiKeys(request.caller().userId, includeRevoked);
		Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
		auto total = static_cast<std::int64_t>(keys.size());
		for (std::int64_t i = page.offset; i < std::min(total, page.offset + page.limit); ++i)
			array->add(apiKeyJson(keys[static_cast<std::size_t>(i)]));
		Response response = Response::json(array);
		http::addPaginationHeaders(response, request, page, total);
		return response;
	}

	Response revokeApiKey(Request& request)
	{
		_service->revokeApiKey(request.caller().userId, request.pathParameter("id"), request.clientAddress);
		return Response::noContent();
	}

private:
	std::shared_ptr<AccountService> _service;
};

} // namespace

void registerAccountRoutes(http::Router& router, std::shared_ptr<AccountService> service)
{
	auto routes = std::make_shared<AccountRoutes>(std::move(service));
	auto bind = [routes](Response (AccountRoutes::*method)(Request&)) {
		return [routes, method](Request& request) { return ((*routes).*method)(request); };
	};

	const http::RouteOptions login{Permission::Public, RateClass::Login};
	const http::RouteOptions manage{Permission::Write, RateClass::Auth};

	router.add("POST", "/auth/register", bind(&AccountRoutes::registerUser), login);
	router.add("POST", "/auth/login", bind(&AccountRoutes::login), login);
	router.add("POST", "/auth/login/verify-2fa", bind(&AccountRoutes::verifyTwoFactor), login);
	router.add("POST", "/auth/refresh", bind(&AccountRoutes::refresh), login);
	router.add("POST", "/auth/logout", bind(&AccountRoutes::logout), manage);
	router.add("GET", "/auth/me", bind(&AccountRoutes::me), {Permission::Profile, RateClass::Read});
	router.add("POST", "/auth/password", bind(&AccountRoutes::changePassword), manage);
	router.add("POST", "/auth/2fa/setup", bind(&AccountRoutes::setupTwoFactor), manage);
	router.add("POST", "/auth/2fa/enable", bind(&AccountRoutes::enableTwoFactor), manage);
	router.add("POST", "/auth/2fa/disable", bind(&AccountRoutes::disableTwoFactor), manage);
	router.add("POST", "/auth/api-key", bind(&AccountRoutes::createApiKey), manage);
	// Listing keys is account-security information, so it needs the same scope as managing them.
	router.add("GET", "/api-keys", bind(&AccountRoutes::listApiKeys), {Permission::Write, RateClass::Read});
	router.add("DELETE", "/api-keys/{id}", bind(&AccountRoutes::revokeApiKey), manage);
}

} // namespace gpucloud::accounts
