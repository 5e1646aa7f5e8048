#pragma once

#include "app/server_context.h"
#include "billing/billing_store.h"

namespace gpucloud::billing
{

/// Installs billing: reads `[billing]`, creates the store that `billing.store` names from `stores`, publishes
/// `context.billing` (the rules for creating and destroying VMs), registers the /billing routes and the operator's
/// credit route, and appends the meter. Install after the catalogue (for prices) and before the VMs.
/// Throws config::ConfigError for an unknown store name.
void installBillingModule(app::ServerContext& context, const BillingStoreFactories& stores);

} // namespace gpucloud::billing
