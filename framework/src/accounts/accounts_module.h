#pragma once

#include <functional>
#include <memory>

#include "accounts/account_service.h"
#include "app/server_context.h"
#include "auth/auth_settings.h"
#include "auth/authenticator.h"

namespace gpucloud::accounts
{

/// What an auth provider supplies: the account operations and the credential check of every request.
struct AuthProvider
{
	std::shared_ptr<AccountService> accounts;
	std::shared_ptr<auth::Authenticator> authenticator;
};

/// Builds the auth provider from the `[auth]` settings. Called once at start-up, after `context.rateLimiter` is set.
using AuthProviderFactory = std::function<AuthProvider(const auth::AuthSettings&, app::ServerContext&)>;

/// Reads `[auth]`, builds the provider with `factory`, publishes `context.authenticator` and registers the
/// `/auth/*` and `/api-keys` routes.
void installAccountsModule(app::ServerContext& context, const AuthProviderFactory& factory);

} // namespace gpucloud::accounts
