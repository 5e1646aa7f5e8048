#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/money.h"

namespace gpucloud::accounts
{

/// A user account as `GET /auth/me` shows it.
struct User
{
	std::int64_t id = 0;
	std::string email;
	std::string tier;
	std::string status;  ///< "active" or "suspended"
	bool isAdmin = false;
	bool emailVerified = false;
	bool totpEnabled = false;
	std::int64_t maxVms = 0;
	util::Micros maxHourlySpend = 0;
	util::Micros balance = 0;
	std::int64_t createdAt = 0;  ///< Unix seconds
};

/// An access token and a refresh token.
struct TokenPair
{
	std::string accessToken;
	std::string refreshToken;
	std::int64_t expiresIn = 0;  ///< access-token lifetime in seconds
};

/// Outcome of a password login: a token pair, or a 2FA challenge when the account has TOTP enabled.
struct LoginResult
{
	bool requiresTwoFactor = false;
	TokenPair tokens;            ///< set when requiresTwoFactor is false
	std::string challengeToken;  ///< set when requiresTwoFactor is true
	std::int64_t challengeExpiresIn = 0;
};

/// A new TOTP secret, not active until enableTwoFactor() confirms a code.
struct TotpSetup
{
	std::string secret;  ///< base32, as authenticator apps expect it
	std::string otpauthUri;
};

/// An API key without its secret.
struct ApiKey
{
	std::string id;
	std::string name;
	std::vector<std::string> scopes;
	std::string prefix;  ///< the first characters of the key, so that users can tell keys apart
	std::int64_t createdAt = 0;
	std::optional<std::int64_t> lastUsedAt;
	std::optional<std::int64_t> expiresAt;
	bool revoked = false;
};

/// A key just created: the only time its secret exists outside the client.
struct CreatedApiKey
{
	ApiKey key;
	std::string secret;
};

struct ApiKeyRequest
{
	std::string name = "Primary Key";
	std::vector<std::string> scopes{"read_write"};
	std::optional<std::int64_t> expiresInDays;
};

/// Accounts, sessions, two-factor authentication and API keys: what the `/auth` and `/api-keys` routes do.
/// Implemented by the auth provider; every method is thread-safe.
///
/// Methods throw http::ApiError with the status the API contract gives (401 for bad credentials, 403, 404, 409,
/// 422, 429 for too many attempts on one account, 503 with Retry-After when password hashing is saturated).
/// `clientAddress` is recorded in the audit log and never used for authorization.
class AccountService
{
public:
	virtual ~AccountService() = default;

	/// Creates an account. `email` is normalised to lower case. 403 when registration is disabled, 409 when the
	/// address is taken, 422 for an invalid address or a password shorter than 12 characters.
	virtual User registerUser(const std::string& email, const std::string& password,
		const std::string& clientAddress) = 0;

	/// Checks the password. 401 with one message for an unknown address and a wrong password, 403 for a
	/// suspended account, 429 when the account has had too many attempts.
	virtual LoginResult login(const std::string& email, const std::string& password, const std::string& clientAddress) = 0;

	/// Completes a login with a TOTP code or an unused backup code. 401 for a bad challenge or code.
	virtual TokenPair verifyTwoFactor(const std::string& challengeToken, const std::string& code,
		const std::string& clientAddress) = 0;

	/// Rotates a refresh token. Reusing a token that was already rotated revokes its whole family; 401.
	virtual TokenPair refresh(const std::string& refreshToken) = 0;

	/// Revokes the family of `refreshToken`, or every refresh token of the user when it is empty. 401 when the
	/// token is invalid or belongs to another user.
	virtual void logout(std::int64_t userId, const std::optional<std::string>& refreshToken) = 0;

	/// 404 when the user does not exist.
	virtual User user(std::int64_t userId) = 0;

	/// 401 for a wrong current password, 422 for a weak new one. Revokes every refresh token of the user.
	virtual void changePassword(std::int64_t userId, const std::string& currentPassword, const std::string& newPassword,
		const std::string& clientAddress) = 0;

	/// Stores a new pending TOTP secret. 409 when 2FA is already enabled.
	virtual TotpSetup setupTwoFactor(std::int64_t userId, const std::string& clientAddress) = 0;

	/// Enables 2FA after checking a code of the pending secret and returns 10 single-use backup codes.
	/// 409 without a pending secret or when already enabled, 400 for a wrong code.
	virtual std::vector<std::string> enableTwoFactor(std::int64_t userId, const std::string& code,
		const std::string& clientAddress) = 0;

	/// Disables 2FA after checking a TOTP code or a backup code. 409 when it is not enabled, 400 for a wrong code.
	virtual void disableTwoFactor(std::int64_t userId, const std::string& code, const std::string& clientAddress) = 0;

	/// 403 when the user already has the maximum number of live keys, 422 for an unknown scope.
	virtual CreatedApiKey createApiKey(std::int64_t userId, const ApiKeyRequest& request,
		const std::string& clientAddress) = 0;

	/// Newest first.
	virtual std::vector<ApiKey> listApiKeys(std::int64_t userId, bool includeRevoked) = 0;

	/// 404 when the key does not exist or belongs to another user. Revoking a revoked key succeeds.
	virtual void revokeApiKey(std::int64_t userId, const std::string& keyId, const std::string& clientAddress) = 0;
};

} // namespace gpucloud::accounts
