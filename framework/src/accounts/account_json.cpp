#include "accounts/account_json.h"

#include <Poco/JSON/Array.h>

#include "db/database.h"
#include "http/validation.h"

namespace gpucloud::accounts
{

namespace
{

Poco::Dynamic::Var optionalTime(const std::optional<std::int64_t>& unixSeconds)
{
	if (!unixSeconds)
		return Poco::Dynamic::Var();
	return db::isoTime(*unixSeconds);
}

Poco::JSON::Array::Ptr stringArray(const std::vector<std::string>& items)
{
	Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
	for (const std::string& item : items)
		array->add(item);
	return array;
}

} // namespace

Poco::JSON::Object::Ptr userJson(const User& user)
{
	Poco::JSON::Object::Ptr json = http::orderedObject();
	json->set("id", user.id);
	json->set("email", user.email);
	json->set("tier", user.tier);
	json->set("max_vms", user.maxVms);
	json->set("max_hourly_spend", util::toJsonDollars(user.maxHourlySpend));
	json->set("credit_balance", util::toJsonDollars(user.balance));
	json->set("status", user.status);
	json->set("created_at", db::isoTime(user.createdAt));
	json->set("totp_enabled", user.totpEnabled);
	json->set("email_verified", user.emailVerified);
	json->set("auth_provider", "email");
	json->set("is_admin", user.isAdmin);
	return json;
}

Poco::JSON::Object::Ptr tokenPairJson(const TokenPair& tokens)
{
	Poco::JSON::Object::Ptr json = http::orderedObject();
	json->set("access_token", tokens.accessToken);
	json->set("refresh_token", tokens.refreshToken);
	json->set("token_type", "bearer");
	json->set("expires_in", tokens.expiresIn);
	return json;
}

Poco::JSON::Object::Ptr apiKeyJson(const ApiKey& key)
{
	Poco::JSON::Object::Ptr json = http::orderedObject();
	json->set("id", key.id);
	json->set("name", key.name);
	json->set("scopes", stringArray(key.scopes));
	json->set("prefix", key.prefix);
	json->set("created_at", db::isoTime(key.createdAt));
	json->set("last_used_at", optionalTime(key.lastUsedAt));
	json->set("expires_at", optionalTime(key.expiresAt));
	json->set("is_revoked", key.revoked);
	return json;
}

Poco::JSON::Object::Ptr createdApiKeyJson(const CreatedApiKey& created)
{
	Poco::JSON::Object::Ptr json = http::orderedObject();
	json->set("id", created.key.id);
	json->set("api_key", created.secret);
	json->set("name", created.key.name);
	json->set("scopes", stringArray(created.key.scopes));
	json->set("created_at", db::isoTime(created.key.createdAt));
	json->set("expires_at", optionalTime(created.key.expiresAt));
	json->set("message", "Store this API key now: it is shown only once.");
	return json;
}

} // namespace gpucloud::accounts
