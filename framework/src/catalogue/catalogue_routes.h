#pragma once

#include <memory>

#include "catalogue/offer_search.h"
#include "catalogue/templates.h"
#include "http/router.h"
#include "pricing/pricing_document.h"

namespace gpucloud::catalogue
{

/// Services that the public catalogue routes read.
struct CatalogueServices
{
	std::shared_ptr<OfferSearch> search;
	std::shared_ptr<pricing::PricingProvider> pricing;
	std::shared_ptr<pricing::PricingDocument> pricingDocument;
	std::shared_ptr<const TemplateCatalogue> templates;
};

/// Registers GET /search, GET /pricing, GET /templates and POST /reservations/calculate. All are public; all are
/// limited in the `read` rate class, POST /reservations/calculate included because it only computes a quote.
void registerCatalogueRoutes(http::Router& router, const CatalogueServices& services);

} // namespace gpucloud::catalogue
