#pragma once

#include <functional>
#include <memory>

#include <Poco/Logger.h>

#include "accounts/account_service.h"
#include "audit/audit_log.h"
#include "auth/auth_settings.h"
#include "auth/jwt_codec.h"
#include "auth/password_hashing.h"
#include "auth/user_store.h"
#include "auth/verified_key_cache.h"
#include "db/database.h"
#include "ratelimit/rate_limiter.h"

namespace gpucloud::providers::auth
{

/// Accounts kept in the server's own database: Argon2id passwords, JWT sessions with rotating refresh tokens,
/// TOTP with backup codes, and API keys. See accounts::AccountService for the contract.
class LocalAccountService : public accounts::AccountService
{
public:
	using Clock = std::function<std::int64_t()>;

	/// `rateLimiter` may be null (no per-account limit). `clock` returns Unix seconds; null means the system clock.
	LocalAccountService(const gpucloud::auth::AuthSettings& settings, db::Database& database,
		std::shared_ptr<PasswordHashing> hashing, std::shared_ptr<JwtCodec> jwt,
		std::shared_ptr<VerifiedKeyCache> keyCache, std::shared_ptr<ratelimit::RateLimiter> rateLimiter,
		Clock clock = nullptr);

	accounts::User registerUser(const std::string& email, const std::string& password,
		const std::string& clientAddress) override;
	accounts::LoginResult login(const std::string& email, const std::string& password,
		const std::string& clientAddress) override;
	accounts::TokenPair verifyTwoFactor(const std::string& challengeToken, const std::string& code,
		const std::string& clientAddress) override;
	accounts::TokenPair refresh(const std::string& refreshToken) override;
	void logout(std::int64_t userId, const std::optional<std::string>& refreshToken) override;
	accounts::User user(std::int64_t userId) override;
	void changePassword(std::int64_t userId, const std::string& currentPassword, const std::string& newPassword,
		const std::string& clientAddress) override;
	accounts::TotpSetup setupTwoFactor(std::int64_t userId, const std::string& clientAddress) override;
	std::vector<std::string> enableTwoFactor(std::int64_t userId, const std::string& code,
		const std::string& clientAddress) override;
	void disableTwoFactor(std::int64_t userId, const std::string& code, const std::string& clientAddress) override;
	accounts::CreatedApiKey createApiKey(std::int64_t userId, const accounts::ApiKeyRequest& request,
		const std::string& clientAddress) override;
	std::vector<accounts::ApiKey> listApiKeys(std::int64_t userId, bool includeRevoked) override;
	void revokeApiKey(std::int64_t userId, const std::string& keyId, const std::string& clientAddress) override;

	/// Creates an administrator, or makes an existing user one (keeping that user's password). Audited with
	/// `source` as the origin. Returns the user and whether it was created.
	std::pair<accounts::User, bool> ensureAdmin(const std::string& email, const std::string& password,
		const std::string& source);

	/// Returns `email` trimmed and in lower case.
	static std::string normaliseEmail(const std::string& email);

private:
	UserRow requireUser(std::int64_t userId);
	void validatePassword(const std::string& password, const std::string& field) const;
	void validateEmail(const std::string& email) const;
	void limitAttempts(const std::string& key);
	accounts::TokenPair issueTokens(std::int64_t userId, const std::string& familyId);

	/// Accepts a current TOTP code (once) or an unused backup code of the user; false otherwise.
	bool checkSecondFactor(const UserRow& row, const std::string& code, bool allowBackupCode);

	bool challengeUsed(const TokenClaims& challenge);

	/// Marks a 2FA challenge as used; returns false when it was used before.
	bool consumeChallenge(const TokenClaims& challenge, std::int64_t userId);

	void audit(std::optional<std::int64_t> actor, const std::string& action, const std::string& target,
		const std::string& source, const std::string& detail = "");

	gpucloud::auth::AuthSettings _settings;
	db::Database& _database;
	std::shared_ptr<PasswordHashing> _hashing;
	std::shared_ptr<JwtCodec> _jwt;
	std::shared_ptr<VerifiedKeyCache> _keyCache;
	std::shared_ptr<ratelimit::RateLimiter> _rateLimiter;
	Clock _clock;
	audit::AuditLog _audit;
	Poco::Logger& _logger;
};

} // namespace gpucloud::providers::auth
