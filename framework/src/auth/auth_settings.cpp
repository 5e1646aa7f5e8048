#include "auth/auth_settings.h"

#include <fstream>
#include <sstream>

#include <Poco/String.h>

#include "util/random.h"

namespace gpucloud::auth
{

namespace
{

std::string readSecretFile(const config::ConfigSection& section, const std::string& key, const std::string& path)
{
	std::ifstream in(path);
	if (!in)
		throw config::ConfigError("Configuration key '" + section.fullKey(key) + "' names '" + path + "', which cannot be read");
	std::ostringstream text;
	text << in.rdbuf();
	return Poco::trim(text.str());
}

} // namespace

AuthSettings readAuthSettings(config::ConfigSection& section, bool developmentProfile)
{
	AuthSettings settings;
	settings.jwtAlgorithm = section.getChoice("jwt_algorithm", settings.jwtAlgorithm, {"HS256", "RS256", "ES256"});
	settings.jwtSecret = section.getString("jwt_secret", "");
	std::string secretFile = section.getString("jwt_secret_file", "");
	if (settings.jwtSecret.empty() && !secretFile.empty())
		settings.jwtSecret = readSecretFile(section, "jwt_secret_file", secretFile);
	settings.jwtPrivateKeyFile = section.getString("jwt_private_key_file", "");
	settings.jwtPublicKeyFile = section.getString("jwt_public_key_file", "");
	settings.issuer = section.getString("issuer", settings.issuer);
	settings.audience = section.getString("audience", settings.audience);
	settings.accessTokenTtl = section.getSeconds("access_token_ttl", settings.accessTokenTtl, std::chrono::seconds(60),
		std::chrono::seconds(24 * 3600));
	settings.refreshTokenTtl = section.getSeconds("refresh_token_ttl", settings.refreshTokenTtl,
		std::chrono::seconds(3600), std::chrono::seconds(365 * 24 * 3600));
	settings.challengeTokenTtl = section.getSeconds("challenge_token_ttl", settings.challengeTokenTtl,
		std::chrono::seconds(30), std::chrono::seconds(3600));

	// libsodium's argon2id accepts at least 1 pass and 8 KiB; the upper bounds keep a typo from exhausting memory.
	settings.argon2Ops = static_cast<std::uint64_t>(section.getInt("argon2_ops", 2, 1, 20));
	settings.argon2MemoryKib = static_cast<std::uint64_t>(section.getInt("argon2_memory_kib", 64 * 1024, 8, 4 * 1024 * 1024));
	settings.hashWorkers = static_cast<std::size_t>(section.getInt("hash_workers", 0, 0, 256));
	settings.hashQueueLimit = static_cast<std::size_t>(section.getInt("hash_queue_limit", 64, 1, 100000));

	settings.apiKeyPrefix = section.getString("api_key_prefix", settings.apiKeyPrefix);
	if (settings.apiKeyPrefix.empty() || settings.apiKeyPrefix.size() > 32
		|| settings.apiKeyPrefix.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
			!= std::string::npos)
	{
		throw config::ConfigError("Configuration key 'auth.api_key_prefix' must be 1 to 32 characters of "
			"[A-Za-z0-9_-], not '" + settings.apiKeyPrefix + "'");
	}
	settings.apiKeyRandomLength = static_cast<std::size_t>(section.getInt("api_key_length", 40, 32, 128));
	settings.maxApiKeys = static_cast<std::size_t>(section.getInt("max_api_keys", 25, 1, 10000));
	settings.apiKeyCacheTtl = section.getSeconds("api_key_cache_ttl", settings.apiKeyCacheTtl, std::chrono::seconds(0),
		std::chrono::seconds(300));

	settings.registrationEnabled = section.getBool("registration_enabled", settings.registrationEnabled);
	settings.totpIssuer = section.getString("totp_issuer", settings.totpIssuer);
	if (settings.totpIssuer.empty() || settings.totpIssuer.find(':') != std::string::npos)
		throw config::ConfigError("Configuration key 'auth.totp_issuer' must be non-empty and contain no ':'");

	if (settings.jwtAlgorithm != "HS256")
	{
		if (settings.jwtPrivateKeyFile.empty() || settings.jwtPublicKeyFile.empty())
		{
			throw config::ConfigError("Configuration keys 'auth.jwt_private_key_file' and 'auth.jwt_public_key_file' are "
				"required when 'auth.jwt_algorithm' is " + settings.jwtAlgorithm);
		}
		return settings;
	}

	if (settings.jwtSecret.empty())
	{
		if (!developmentProfile)
		{
			throw config::ConfigError("Configuration key 'auth.jwt_secret' (or 'auth.jwt_secret_file') is required "
				"outside the development profile; generate one with: openssl rand -base64 48");
		}
		settings.jwtSecret = util::randomUrlSafe(64);
		settings.jwtSecretGenerated = true;
	}
	else if (settings.jwtSecret.size() < 32 && !developmentProfile)
	{
		throw config::ConfigError("Configuration key 'auth.jwt_secret' must be at least 32 bytes long");
	}
	return settings;
}

} // namespace gpucloud::auth
