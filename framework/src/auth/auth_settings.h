#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "config/config_section.h"

namespace gpucloud::auth
{

/// `[auth]`: token signing and lifetimes, password hashing, API keys and registration.
struct AuthSettings
{
	std::string jwtAlgorithm = "HS256";  ///< HS256, RS256 or ES256
	std::string jwtSecret;               ///< HS256 key, at least 32 bytes; a secret, never logged
	bool jwtSecretGenerated = false;     ///< true when the development profile generated the secret at start
	std::string jwtPrivateKeyFile;       ///< PEM private key for RS256 and ES256
	std::string jwtPublicKeyFile;        ///< PEM public key for RS256 and ES256
	std::string issuer = "gpucloud";
	std::string audience = "gpucloud-api";
	std::chrono::seconds accessTokenTtl{3600};
	std::chrono::seconds refreshTokenTtl{30 * 24 * 3600};
	std::chrono::seconds challengeTokenTtl{300};  ///< lifetime of the 2FA challenge that login returns

	/// Argon2id cost: passes over memory, and memory in KiB (libsodium's "moderate" level is 3 / 256 MiB,
	/// "interactive" 2 / 64 MiB).
	std::uint64_t argon2Ops = 2;
	std::uint64_t argon2MemoryKib = 64 * 1024;
	std::size_t hashWorkers = 0;      ///< threads that hash and verify passwords; 0: one per CPU core
	std::size_t hashQueueLimit = 64;  ///< waiting hash jobs; past it a request gets 503 with Retry-After

	std::string apiKeyPrefix = "nv_live_";
	std::size_t apiKeyRandomLength = 40;  ///< URL-safe characters after the prefix, at least 32
	std::size_t maxApiKeys = 25;          ///< live (not revoked, not expired) keys per user
	std::chrono::seconds apiKeyCacheTtl{10};  ///< how long a verified key is trusted without reading the database

	bool registrationEnabled = true;
	std::string totpIssuer = "gpucloud";  ///< the issuer shown by authenticator apps
};

/// Reads `[auth]`. Without `jwt_secret` (or `jwt_secret_file`) for HS256, a development profile generates a random
/// secret, so tokens do not survive a restart; any other profile raises ConfigError. A secret shorter than 32
/// bytes raises ConfigError outside the development profile.
AuthSettings readAuthSettings(config::ConfigSection& section, bool developmentProfile);

} // namespace gpucloud::auth
