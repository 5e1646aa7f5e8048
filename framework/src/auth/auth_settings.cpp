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
