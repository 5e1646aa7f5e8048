#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>

#include "auth/auth_settings.h"

namespace Poco::JWT
{
class Signer;
}

namespace gpucloud::providers::auth
{

/// Token types, written to the `typ` claim. A token is accepted only where its type is expected, so that a
/// refresh token or a 2FA challenge never works as an access token.
inline constexpr const char* kAccessToken = "access";
inline constexpr const char* kRefreshToken = "refresh";
inline constexpr const char* kChallengeToken = "2fa_challenge";

/// Raised for any token that must not be accepted. The message names the reason for logs and tests; clients see
/// a fixed sentence.
class InvalidToken : public std::runtime_error
{
public:
	using std::runtime_error::runtime_error;
};

/// The claims this server writes and checks.
struct TokenClaims
{
	std::string subject;  ///< `sub`: the user id
	std::string type;     ///< `typ`: access, refresh or 2fa_challenge
	std::string id;       ///< `jti`
	std::int64_t issuedAt = 0;   ///< `iat`, Unix seconds
	std::int64_t expiresAt = 0;  ///< `exp`, Unix seconds
};

/// Issues and verifies JWTs with Poco JWT: HS256 with a shared secret, or RS256/ES256 with a PEM key pair.
/// Time claims are integer seconds. Thread-safe after construction.
class JwtCodec
{
public:
	/// Loads the key that `settings` names. Throws config::ConfigError when a key file cannot be read.
	explicit JwtCodec(const gpucloud::auth::AuthSettings& settings);
	~JwtCodec();

	/// Signs a token of `type` for `subject` that expires `ttl` after `now`. `id` becomes the `jti`.
	std::string issue(const std::string& type, const std::string& subject, const std::string& id,
		std::chrono::seconds ttl, std::int64_t now) const;

	/// Returns the claims of `token` after checking the signature and algorithm (only the configured one; `none`
	/// never), `iss`, `aud`, `typ` == `expectedType` and `exp` > `now`. Throws InvalidToken.
	TokenClaims verify(const std::string& token, const std::string& expectedType, std::int64_t now) const;

	const std::string& algorithm() const { return _algorithm; }

private:
	std::string _algorithm;
	std::string _issuer;
	std::string _audience;
	std::unique_ptr<Poco::JWT::Signer> _signer;
};

} // namespace gpucloud::providers::auth
