#pragma once

#include <memory>

#include "accounts/account_service.h"
#include "http/router.h"

namespace gpucloud::accounts
{

/// Registers the `/auth/*` and `/api-keys` routes with their permissions and rate classes. The handlers parse
/// and validate the request, call `service` and serialize its result.
void registerAccountRoutes(http::Router& router, std::shared_ptr<AccountService> service);

} // namespace gpucloud::accounts
