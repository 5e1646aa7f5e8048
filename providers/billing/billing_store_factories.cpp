#include "billing/billing_store_factories.h"

#include "billing/sql_billing_store.h"

namespace gpucloud::providers
{

billing::BillingStoreFactories billingStoreFactories()
{
	return {
		{"sql", [](db::Database&) { return std::make_shared<SqlBillingStore>(); }},
	};
}

} // namespace gpucloud::providers
