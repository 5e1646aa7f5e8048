#include "auth/local_auth_provider.h"

#include "auth/local_account_service.h"
#include "auth/local_authenticator.h"

namespace gpucloud::providers::auth
{

accounts::AuthProvider createLocalAuthProvider(const gpucloud::auth::AuthSettings& settings, app::ServerContext& context)
{
	auto hashing = std::make_shared<PasswordHashing>(settings.argon2Ops, settings.argon2MemoryKib, settings.hashWorkers,
		settings.hashQueueLimit);
	auto jwt = std::make_shared<JwtCodec>(settings);
	auto keyCache = std::make_shared<VerifiedKeyCache>(settings.apiKeyCacheTtl);

	accounts::AuthProvider provider;
	provider.accounts = std::make_shared<LocalAccountService>(settings, context.database, hashing, jwt, keyCache,
		context.rateLimiter);
	provider.authenticator = std::make_shared<LocalAuthenticator>(settings, context.database, jwt, keyCache);
	return provider;
}

} // namespace gpucloud::providers::auth
