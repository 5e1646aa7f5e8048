#include "catalogue/catalogue_routes.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/String.h>

#include "http/validation.h"
#include "pricing/reservation_quote.h"

namespace gpucloud::catalogue
{

namespace
{

const http::RouteOptions kPublicRead{auth::Permission::Public, ratelimit::RateClass::Read};

constexpr std::int64_t kMaxStorageGb = 100000;

std::string knownGpuTypes(const pricing::PriceList& prices)
{
	std::string list;
	for (const auto& entry : prices.onDemandPerGpuHour)
		list += (list.empty() ? "" : ", ") + entry.first;
	return list;
}

/// Reads `gpu_type` and records an error when the price list does not know it.
template <class Fields>
std::optional<std::string> readGpuType(Fields& fields, std::optional<std::string> gpuType, const pricing::PriceList& prices)
{
	if (gpuType && prices.onDemandPerGpuHour.count(*gpuType) == 0)
	{
		fields.fail("gpu_type", "Unknown GPU type '" + *gpuType + "'; known types: " + knownGpuTypes(prices), "enum");
		return std::nullopt;
	}
	return gpuType;
}

OfferSort parseSort(const std::string& text)
{
	if (text == "price")
		return OfferSort::PriceAscending;
	if (text == "-price")
		return OfferSort::PriceDescending;
	if (text == "gpu_count")
		return OfferSort::GpuCountAscending;
	return OfferSort::GpuCountDescending;
}

OfferQuery readOfferQuery(http::QueryFields& fields, const pricing::PriceList& prices)
{
	OfferQuery query;
	query.gpuType = readGpuType(fields, fields.string("gpu_type", 64), prices);
	if (auto count = fields.integer("min_gpu_count", 1, 1024))
		query.minGpuCount = static_cast<std::uint32_t>(*count);
	if (auto text = fields.string("max_price", 32))
	{
		std::optional<util::Micros> price = util::parseDollars(Poco::trim(*text));
		if (price && *price >= 0)
			query.maxPrice = price;
		else
			fields.fail("max_price", "Input should be a non-negative decimal amount in USD with at most six decimals", "decimal_parsing");
	}
	query.location = fields.string("location");
	query.node = fields.string("node");
	if (auto rentalType = fields.oneOf("rental_type", {"on_demand", "interruptible", "reserved"}))
		query.rentalType = *pricing::parseRentalType(*rentalType);
	if (auto available = fields.boolean("available"))
		query.availableOnly = *available;
	if (auto sort = fields.oneOf("sort", {"price", "-price", "gpu_count", "-gpu_count"}))
		query.sort = parseSort(*sort);
	return query;
}

http::Response searchOffers(http::Request& request, OfferSearch& search, pricing::PricingProvider& pricing)
{
	http::QueryFields fields(request);
	OfferQuery query = readOfferQuery(fields, *pricing.prices());
	http::Pagination page = fields.pagination();
	fields.check();

	OfferMatches matches = search.search(query);
	auto total = static_cast<std::int64_t>(matches.offers.size());
	std::string body = "[";
	for (std::int64_t i = page.offset; i < total && i < page.offset + page.limit; ++i)
	{
		if (body.size() > 1)
			body += ',';
		body += matches.offers[static_cast<std::size_t>(i)]->json;
	}
	body += ']';

	http::Response response = http::Response::rawJson(std::move(body));
	http::addPaginationHeaders(response, request, page, total);
	return response;
}

std::string templatesJson(const TemplateCatalogue& templates)
{
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	for (const TemplateInfo& info : templates.all())
	{
		Poco::JSON::Array::Ptr access = new Poco::JSON::Array;
		for (const std::string& type : info.access)
			access->add(type);
		Poco::JSON::Object::Ptr json = http::orderedObject();
		json->set("vmid", static_cast<Poco::Int64>(info.vmid));
		json->set("name", info.name);
		json->set("description", info.description);
		json->set("access", access);
		json->set("min_storage_gb", info.minStorageGb);
		list->add(json);
	}
	return http::toJson(list);
}

/// Records an error unless `value` is one of `allowed`.
std::optional<std::int64_t> requireOneOf(http::JsonFields& fields, const std::string& name,
	std::optional<std::int64_t> value, const std::vector<std::int64_t>& allowed, const std::string& message)
{
	if (!value)
		return std::nullopt;
	if (std::find(allowed.begin(), allowed.end(), *value) == allowed.end())
	{
		fields.fail(name, message, "enum");
		return std::nullopt;
	}
	return value;
}

http::Response calculateReservation(http::Request& request, pricing::PricingProvider& pricing)
{
	std::shared_ptr<const pricing::PriceList> prices = pricing.prices();
	http::JsonFields fields(request.jsonBody());
	auto gpuType = readGpuType(fields, fields.string("gpu_type", true, 64, 1), *prices);
	auto gpuCount = requireOneOf(fields, "gpu_count", fields.integer("gpu_count", true, 1, 8), {1, 2, 4, 8},
		"Input should be 1, 2, 4 or 8");
	auto storageGb = fields.integer("storage_gb", true, 50, kMaxStorageGb);
	auto months = requireOneOf(fields, "reservation_months", fields.integer("reservation_months", true, 1, 6), {1, 3, 6},
		"Input should be 1, 3 or 6");
	fields.check();

	std::optional<pricing::ReservationQuote> quote = pricing::quoteReservation(*prices, *gpuType,
		static_cast<int>(*gpuCount), static_cast<int>(*storageGb), static_cast<int>(*months));
	if (!quote)
		throw http::ApiError::validation({"body", "reservation_months"}, "No reservation term of " + std::to_string(*months) + " months is offered", "enum");

	Poco::JSON::Object::Ptr json = http::orderedObject();
	json->set("discount_percent", quote->discountPercent);
	json->set("deposit_required", util::toJsonDollars(quote->deposit));
	json->set("monthly_cost", util::toJsonDollars(quote->monthlyCost));
	json->set("hourly_rate_after_discount", util::toJsonRate(quote->gpuHourlyRate));
	json->set("cancellation_fee_25_percent", util::toJsonDollars(quote->cancellationFee));
	return http::Response::json(json);
}

} // namespace

void registerCatalogueRoutes(http::Router& router, const CatalogueServices& services)
{
	router.add("GET", "/search", [services](http::Request& request) {
		return searchOffers(request, *services.search, *services.pricing);
	}, kPublicRead);

	router.add("GET", "/pricing", [services](http::Request&) {
		return http::Response::rawJson(*services.pricingDocument->body());
	}, kPublicRead);

	auto templates = std::make_shared<const std::string>(templatesJson(*services.templates));
	router.add("GET", "/templates", [templates](http::Request&) { return http::Response::rawJson(*templates); }, kPublicRead);

	router.add("POST", "/reservations/calculate", [services](http::Request& request) {
		return calculateReservation(request, *services.pricing);
	}, kPublicRead);
}

} // namespace gpucloud::catalogue
