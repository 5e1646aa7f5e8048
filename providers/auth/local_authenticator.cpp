#include "auth/local_authenticator.h"

#include <Poco/Data/Statement.h>
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/NumberParser.h>

#include "auth/api_key_codec.h"
#include "auth/api_key_store.h"
#include "http/api_error.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::providers::auth
{

namespace
{

struct UserStatus
{
	bool found = false;
	bool active = false;
	bool isAdmin = false;
};

UserStatus readUserStatus(db::Database& database, std::int64_t userId)
{
	Poco::Int64 id = userId;
	std::vector<std::string> statuses;
	std::vector<int> admins;
	Poco::Data::Session session = database.session();
	session << "SELECT status, is_admin FROM users WHERE id = $1", use(id), into(statuses), into(admins), now;
	UserStatus status;
	if (statuses.empty())
		return status;
	status.found = true;
	status.active = statuses.front() == "active";
	status.isAdmin = admins.front() != 0;
	return status;
}

} // namespace

LocalAuthenticator::LocalAuthenticator(const gpucloud::auth::AuthSettings& settings, db::Database& database,
	std::shared_ptr<JwtCodec> jwt, std::shared_ptr<VerifiedKeyCache> keyCache, Clock clock)
	: _apiKeyPrefix(settings.apiKeyPrefix)
	, _database(database)
	, _jwt(std::move(jwt))
	, _keyCache(std::move(keyCache))
	, _clock(clock ? std::move(clock) : Clock(&db::unixNow))
	, _logger(Poco::Logger::get("gpucloud.auth"))
{
}

gpucloud::auth::Principal LocalAuthenticator::authenticate(const std::string& credential)
{
	if (looksLikeApiKey(credential, _apiKeyPrefix))
		return authenticateApiKey(credential);
	return authenticateToken(credential);
}

gpucloud::auth::Principal LocalAuthenticator::authenticateToken(const std::string& token)
{
	TokenClaims claims;
	Poco::Int64 userId = 0;
	try
	{
		claims = _jwt->verify(token, kAccessToken, _clock());
		if (!Poco::NumberParser::tryParse64(claims.subject, userId))
			throw InvalidToken("Token subject is not a user id");
	}
	catch (const InvalidToken& error)
	{
		_logger.debug("Rejected access token: %s", std::string(error.what()));
		throw http::unauthorized("Invalid or expired token");
	}

	UserStatus status = readUserStatus(_database, userId);
	if (!status.found || !status.active)
		throw http::unauthorized("User account is disabled or does not exist");

	gpucloud::auth::Principal principal;
	principal.userId = userId;
	principal.isAdmin = status.isAdmin;
	return principal;
}

gpucloud::auth::Principal LocalAuthenticator::authenticateApiKey(const std::string& key)
{
	std::string keyHash = hashApiKey(key);
	std::int64_t now = _clock();
	auto steadyNow = std::chrono::steady_clock::now();

	std::optional<VerifiedKeyCache::Entry> entry = _keyCache->find(keyHash, steadyNow);
	if (!entry)
	{
		std::optional<StoredApiKey> stored;
		{
			Poco::Data::Session session = _database.session();
			stored = api_key_store::findByHash(session, keyHash);
		}
		if (!stored || stored->key.revoked)
			throw http::unauthorized("Invalid or revoked API key");
		UserStatus status = readUserStatus(_database, stored->userId);
		if (!status.found || !status.active)
			throw http::unauthorized("User account is disabled or does not exist");

		VerifiedKeyCache::Entry fresh;
		fresh.principal.userId = stored->userId;
		fresh.principal.isAdmin = status.isAdmin;
		fresh.principal.viaApiKey = true;
		fresh.principal.scopes = stored->key.scopes;
		fresh.principal.apiKeyId = stored->key.id;
		fresh.expiresAt = stored->key.expiresAt;
		fresh.cachedAt = steadyNow;
		_keyCache->store(keyHash, fresh);
		entry = std::move(fresh);
	}

	if (entry->expiresAt && *entry->expiresAt <= now)
		throw http::unauthorized("API key expired");
	recordUsage(entry->principal.apiKeyId, now);
	return entry->principal;
}

void LocalAuthenticator::recordUsage(const std::string& keyId, std::int64_t now)
{
	if (!_keyCache->claimUsageWrite(keyId, now))
		return;
	try
	{
		Poco::Data::Session session = _database.session();
		api_key_store::touch(session, keyId, now);
	}
	catch (const Poco::Exception& error)
	{
		// Usage time is informational; a failed write must not fail the request it describes.
		_logger.warning("Recording last use of API key %s failed: %s", keyId, error.displayText());
	}
}

} // namespace gpucloud::providers::auth
