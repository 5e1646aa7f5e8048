#include "accounts/accounts_module.h"

#include <Poco/Logger.h>

#include "accounts/account_routes.h"

namespace gpucloud::accounts
{

void installAccountsModule(app::ServerContext& context, const AuthProviderFactory& factory)
{
	Poco::Logger& logger = Poco::Logger::get("gpucloud.accounts");
	auth::AuthSettings settings = auth::readAuthSettings(context.section("auth"), context.server.isDevelopment());
	if (settings.jwtSecretGenerated)
	{
		logger.warning("No auth.jwt_secret is configured: generated a random one for this run (development profile); "
					   "tokens will not survive a restart");
	}

	AuthProvider provider = factory(settings, context);
	context.authenticator = provider.authenticator;
	registerAccountRoutes(context.router, provider.accounts);
	logger.information("Accounts installed: JWT %s, issuer '%s', audience '%s', registration %s, API key prefix '%s'",
		settings.jwtAlgorithm, settings.issuer, settings.audience,
		std::string(settings.registrationEnabled ? "enabled" : "disabled"), settings.apiKeyPrefix);
}

} // namespace gpucloud::accounts
