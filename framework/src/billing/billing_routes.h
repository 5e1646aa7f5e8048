#pragma once

#include <memory>

#include "billing/billing_accounts.h"
#include "http/router.h"

namespace gpucloud::billing
{

/// Registers GET /billing/balance, /billing/usage, /billing/transactions and /billing/current-spend
/// (Permission::BillingRead) and POST /admin/users/{id}/credits (Permission::Admin).
void registerBillingRoutes(http::Router& router, std::shared_ptr<BillingAccounts> accounts);

} // namespace gpucloud::billing
