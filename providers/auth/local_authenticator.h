#pragma once

#include <functional>
#include <memory>

#include "auth/auth_settings.h"
#include "auth/authenticator.h"
#include "auth/jwt_codec.h"
#include "auth/verified_key_cache.h"
#include "db/database.h"

namespace Poco
{
class Logger;
}

namespace gpucloud::providers::auth
{

/// Resolves bearer credentials against the local accounts: JWT access tokens (signature and claims, then the
/// user's status and admin flag from the database) and API keys (by SHA-256 hash, through VerifiedKeyCache).
class LocalAuthenticator : public gpucloud::auth::Authenticator
{
public:
	using Clock = std::function<std::int64_t()>;

	LocalAuthenticator(const gpucloud::auth::AuthSettings& settings, db::Database& database,
		std::shared_ptr<JwtCodec> jwt, std::shared_ptr<VerifiedKeyCache> keyCache, Clock clock = nullptr);

	gpucloud::auth::Principal authenticate(const std::string& credential) override;

private:
	gpucloud::auth::Principal authenticateToken(const std::string& token);
	gpucloud::auth::Principal authenticateApiKey(const std::string& key);
	void recordUsage(const std::string& keyId, std::int64_t now);

	std::string _apiKeyPrefix;
	db::Database& _database;
	std::shared_ptr<JwtCodec> _jwt;
	std::shared_ptr<VerifiedKeyCache> _keyCache;
	Clock _clock;
	Poco::Logger& _logger;
};

} // namespace gpucloud::providers::auth
