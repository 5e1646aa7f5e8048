#include "billing/billing_module.h"

#include "billing/billing_accounts.h"
#include "billing/billing_routes.h"
#include "billing/billing_settings.h"
#include "billing/meter_service.h"
#include "billing/store_billing_service.h"
#include "config/config_error.h"

namespace gpucloud::billing
{

namespace
{

std::shared_ptr<BillingStore> createStore(app::ServerContext& context, config::ConfigSection& section,
	const std::string& name, const BillingStoreFactories& stores)
{
	auto factory = stores.find(name);
	if (factory == stores.end())
	{
		std::string known;
		for (const auto& store : stores)
			known += (known.empty() ? "" : ", ") + store.first;
		throw config::ConfigError("Configuration key '" + section.fullKey("store") + "' names an unknown billing store '"
			+ name + "'; known: " + known);
	}
	return factory->second(context.database);
}

} // namespace

void installBillingModule(app::ServerContext& context, const BillingStoreFactories& stores)
{
	config::ConfigSection& section = context.section("billing");
	BillingSettings settings = readBillingSettings(section);
	std::shared_ptr<BillingStore> store = createStore(context, section, settings.store, stores);
	auto clock = std::make_shared<SystemClock>();

	context.billing = std::make_shared<StoreBillingService>(store, context.pricing, clock);
	registerBillingRoutes(context.router, std::make_shared<BillingAccounts>(context.database, store, clock));

	if (!settings.meterEnabled)
		return;
	MeterOptions options;
	options.chunkVms = settings.meterChunkVms;
	options.destroyWhenInDebt = settings.destroyWhenInDebt;
	options.debtGraceSeconds = settings.debtGracePeriod.count();
	// The VM module sets context.vmControl after this module is installed, so the meter looks it up at each use.
	auto vmControl = [&context] { return context.vmControl; };
	auto meter = std::make_unique<Meter>(context.database, store, context.pricing, vmControl, options);
	context.services.push_back(
		std::make_unique<MeterService>(context.database, store, std::move(meter), clock, settings.meterInterval));
}

} // namespace gpucloud::billing
