#include "catalogue/catalogue_module.h"

#include "catalogue/backend_inventory.h"
#include "catalogue/inventory_refresher.h"
#include "catalogue/sql_allocation_cache.h"
#include "catalogue/template_config.h"

namespace gpucloud::catalogue
{

namespace
{

struct CatalogueSettings
{
	std::chrono::milliseconds inventoryRefresh{5000};
	std::chrono::milliseconds allocationMaxAge{2000};
};

CatalogueSettings readCatalogueSettings(config::ConfigSection& section)
{
	CatalogueSettings settings;
	settings.inventoryRefresh = std::chrono::milliseconds(
		section.getInt("inventory_refresh_ms", settings.inventoryRefresh.count(), 100, 3600000));
	settings.allocationMaxAge = std::chrono::milliseconds(
		section.getInt("allocation_max_age_ms", settings.allocationMaxAge.count(), 0, 600000));
	return settings;
}

} // namespace

void installCatalogueModule(app::ServerContext& context, const PricingFactory& createPricing)
{
	CatalogueSettings settings = readCatalogueSettings(context.section("catalogue"));

	auto inventory = std::make_shared<BackendInventory>(context.backends, context.database);
	context.inventory = inventory;
	context.allocations = std::make_shared<SqlAllocationCache>(context.database, settings.allocationMaxAge);
	context.templates = std::make_shared<const TemplateCatalogue>(readTemplates(context.section("templates")));
	context.pricing = createPricing(context.section("pricing"));

	context.services.push_back(std::make_unique<InventoryRefresher>(*inventory, settings.inventoryRefresh));
}

} // namespace gpucloud::catalogue
