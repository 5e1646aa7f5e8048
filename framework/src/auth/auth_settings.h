#pragma once

#include <chrono>
#include <string>

#include "config/config_section.h"

namespace gpucloud::auth
{

/// `[auth]`: token signing and lifetimes.
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
};

/// Reads `[auth]`. Without `jwt_secret` (or `jwt_secret_file`) for HS256, a development profile generates a random
/// secret, so tokens do not survive a restart; any other profile raises ConfigError. A secret shorter than 32
/// bytes raises ConfigError outside the development profile.
AuthSettings readAuthSettings(config::ConfigSection& section, bool developmentProfile);

} // namespace gpucloud::auth
