#include "catalogue/catalogue_module.h"

#include "catalogue/admin_node_routes.h"
#include "catalogue/backend_inventory.h"
#include "catalogue/catalogue_routes.h"
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
	auto allocations = std::make_shared<SqlAllocationCache>(context.database, settings.allocationMaxAge);
	context.inventory = inventory;
	context.allocations = allocations;
	context.templates = std::make_shared<const TemplateCatalogue>(readTemplates(context.section("templates")));
	context.pricing = createPricing(context.section("pricing"));

	CatalogueServices catalogue;
	catalogue.search = std::make_shared<OfferSearch>(inventory, allocations, context.pricing);
	catalogue.pricing = context.pricing;
	catalogue.pricingDocument = std::make_shared<pricing::PricingDocument>(context.pricing);
	catalogue.templates = context.templates;
	registerCatalogueRoutes(context.router, catalogue);
	registerAdminNodeRoutes(context.router, NodeAdminServices{&context.database, inventory, allocations});

	context.services.push_back(std::make_unique<InventoryRefresher>(*inventory, settings.inventoryRefresh));
}

} // namespace gpucloud::catalogue
