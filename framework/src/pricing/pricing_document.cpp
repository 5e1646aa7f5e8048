#include "pricing/pricing_document.h"

#include <chrono>

#include <Poco/JSON/Object.h>

#include "db/database.h"
#include "http/response.h"
#include "http/validation.h"

namespace gpucloud::pricing
{

namespace
{

Poco::JSON::Object::Ptr rateMap(const std::map<std::string, util::Micros>& rates)
{
	Poco::JSON::Object::Ptr map = http::orderedObject();
	for (const auto& [gpuType, rate] : rates)
		map->set(gpuType, util::toJsonRate(rate));
	return map;
}

} // namespace

PricingDocument::PricingDocument(std::shared_ptr<PricingProvider> provider) : _provider(std::move(provider))
{
}

std::shared_ptr<const std::string> PricingDocument::body()
{
	std::shared_ptr<const PriceList> prices = _provider->prices();
	std::shared_ptr<const Cached> cached = std::atomic_load(&_cached);
	if (cached && cached->prices == prices)
		return cached->body;

	auto rebuilt = std::make_shared<Cached>();
	rebuilt->prices = prices;
	rebuilt->body = std::make_shared<const std::string>(pricingJson(*prices));
	std::atomic_store(&_cached, std::shared_ptr<const Cached>(rebuilt));
	return rebuilt->body;
}

std::string pricingJson(const PriceList& prices)
{
	Poco::JSON::Object::Ptr reserved = http::orderedObject();
	for (const ReservationTerm& term : prices.reservationTerms)
	{
		Poco::JSON::Object::Ptr entry = http::orderedObject();
		entry->set("discount_percent", term.discountPercent);
		reserved->set(std::to_string(term.months), entry);
	}

	auto updatedAt = std::chrono::duration_cast<std::chrono::seconds>(prices.updatedAt.time_since_epoch()).count();
	Poco::JSON::Object::Ptr json = http::orderedObject();
	json->set("gpus", rateMap(prices.onDemandPerGpuHour));
	json->set("interruptible", rateMap(prices.interruptiblePerGpuHour));
	json->set("reserved", reserved);
	json->set("storage_gb_hourly", util::toJsonRate(prices.storagePerGbHour));
	json->set("network_tb", util::toJsonRate(prices.networkPerTb));
	json->set("currency", "USD");
	json->set("updated_at", db::isoTime(updatedAt));
	return http::toJson(json);
}

} // namespace gpucloud::pricing
