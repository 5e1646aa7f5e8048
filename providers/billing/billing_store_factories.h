#pragma once

#include "billing/billing_store.h"

namespace gpucloud::providers
{

/// Returns the billing stores this build offers, by the name `billing.store` selects: "sql", the server's own
/// SQLite or PostgreSQL database.
billing::BillingStoreFactories billingStoreFactories();

} // namespace gpucloud::providers
