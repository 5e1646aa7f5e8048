#pragma once

#include "accounts/accounts_module.h"

namespace gpucloud::providers::auth
{

/// Builds the local auth provider (accounts in the server's database) for accounts::installAccountsModule.
accounts::AuthProvider createLocalAuthProvider(const gpucloud::auth::AuthSettings& settings, app::ServerContext& context);

} // namespace gpucloud::providers::auth
