#include "billing/billing_store_factories.h"

#include "billing/sql_billing_store.h"

namespace gpucloud::providers
{

billing::BillingStoreFactories billingStoreFactories()
{
	return {
		{"sql", [](db::Database& database) { return std::make_shared<SqlBillingStore>(database.dialect()); }},
	};
}

} // namespace gpucloud::providers
