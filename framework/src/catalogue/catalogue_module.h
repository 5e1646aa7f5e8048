#pragma once

#include <functional>
#include <memory>

#include "app/server_context.h"

namespace gpucloud::catalogue
{

/// Builds the pricing provider from the `[pricing]` section. The composition root passes the one from providers/,
/// which the framework cannot depend on.
using PricingFactory = std::function<std::shared_ptr<pricing::PricingProvider>(config::ConfigSection& section)>;

/// Installs the catalogue: publishes context.inventory, context.allocations, context.templates and context.pricing,
/// appends the inventory refresher, and registers GET /search, /pricing, /templates, POST /reservations/calculate
/// and the node administration routes under /admin. Reads the sections [catalogue], [templates] and [pricing].
void installCatalogueModule(app::ServerContext& context, const PricingFactory& createPricing);

} // namespace gpucloud::catalogue
