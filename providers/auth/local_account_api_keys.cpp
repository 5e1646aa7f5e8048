// API keys of LocalAccountService: creation, listing and revocation.
#include "auth/local_account_service.h"

#include <algorithm>

#include <Poco/String.h>

#include "auth/api_key_codec.h"
#include "auth/api_key_store.h"
#include "auth/principal.h"
#include "http/api_error.h"
#include "util/random.h"

namespace gpucloud::providers::auth
{

namespace
{

std::vector<std::string> validatedScopes(std::vector<std::string> scopes)
{
	static const std::vector<std::string> known{gpucloud::auth::kScopeReadWrite, gpucloud::auth::kScopeReadOnly,
		gpucloud::auth::kScopeBillingOnly};
	std::vector<http::FieldError> errors;
	for (std::size_t i = 0; i < scopes.size(); ++i)
	{
		if (std::find(known.begin(), known.end(), scopes[i]) == known.end())
		{
			errors.push_back({{"body", "scopes", std::to_string(i)},
				"Input should be 'read_write', 'read_only' or 'billing_only'", "enum"});
		}
	}
	if (!errors.empty())
		throw http::ApiError::validation(errors);
	std::sort(scopes.begin(), scopes.end());
	scopes.erase(std::unique(scopes.begin(), scopes.end()), scopes.end());
	return scopes;
}

} // namespace

accounts::CreatedApiKey LocalAccountService::createApiKey(std::int64_t userId, const accounts::ApiKeyRequest& request,
	const std::string& clientAddress)
{
	accounts::CreatedApiKey created;
	created.secret = generateApiKey(_settings.apiKeyPrefix, _settings.apiKeyRandomLength);

	StoredApiKey stored;
	stored.userId = userId;
	stored.key.id = util::uuid4();
	stored.key.name = request.name;
	stored.key.scopes = validatedScopes(request.scopes);
	stored.key.prefix = displayPrefix(created.secret, _settings.apiKeyPrefix);
	stored.key.createdAt = _clock();
	if (request.expiresInDays)
		stored.key.expiresAt = stored.key.createdAt + *request.expiresInDays * 24 * 3600;

	_database.transaction([&](Poco::Data::Session& session) {
		// Counting inside the write transaction serialises concurrent creations, so the limit holds.
		std::int64_t live = api_key_store::countLive(session, userId, stored.key.createdAt);
		if (live >= static_cast<std::int64_t>(_settings.maxApiKeys))
		{
			throw http::forbidden("API key limit reached: at most " + std::to_string(_settings.maxApiKeys)
				+ " live keys per user; revoke one first");
		}
		api_key_store::insert(session, stored, hashApiKey(created.secret));
		audit::AuditLog::record(session, {userId, "api_key.create", "api_key:" + stored.key.id, clientAddress, "success",
			"scopes " + Poco::cat(std::string(","), stored.key.scopes.begin(), stored.key.scopes.end())});
	});
	_logger.information("User %Ld created API key %s", static_cast<Poco::Int64>(userId), stored.key.id);
	created.key = stored.key;
	return created;
}

std::vector<accounts::ApiKey> LocalAccountService::listApiKeys(std::int64_t userId, bool includeRevoked)
{
	Poco::Data::Session session = _database.session();
	return api_key_store::list(session, userId, includeRevoked);
}

void LocalAccountService::revokeApiKey(std::int64_t userId, const std::string& keyId, const std::string& clientAddress)
{
	bool found = _database.transaction([&](Poco::Data::Session& session) {
		if (!api_key_store::revoke(session, userId, keyId, _clock()))
			return false;
		audit::AuditLog::record(session, {userId, "api_key.revoke", "api_key:" + keyId, clientAddress, "success", ""});
		return true;
	});
	if (!found)
		throw http::notFound("API key '" + keyId + "' not found");
	_keyCache->eraseKey(keyId);
	_logger.information("User %Ld revoked API key %s", static_cast<Poco::Int64>(userId), keyId);
}

} // namespace gpucloud::providers::auth
