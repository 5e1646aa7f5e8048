#include <cppunit/extensions/HelperMacros.h>

#include <Poco/AutoPtr.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Util/IniFileConfiguration.h>

#include <sstream>

#include "config/config_error.h"
#include "pricing/pricing_document.h"
#include "pricing/reservation_quote.h"
#include "pricing/static_pricing_provider.h"

using namespace gpucloud;

namespace
{

Poco::AutoPtr<Poco::Util::IniFileConfiguration> iniOf(const std::string& text)
{
	std::istringstream stream(text);
	return new Poco::Util::IniFileConfiguration(stream);
}

pricing::PriceList readPrices(const std::string& ini)
{
	auto configuration = iniOf(ini);
	config::ConfigSection section(*configuration, "pricing");
	pricing::PriceList prices = providers::readStaticPriceList(section);
	section.finish();
	return prices;
}

util::Micros dollars(const char* text)
{
	return *util::parseDollars(text);
}

} // namespace

class PricingTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PricingTest);
	CPPUNIT_TEST(readsRateTables);
	CPPUNIT_TEST(emptySectionTakesDefaults);
	CPPUNIT_TEST(rejectsBinaryFloatSyntax);
	CPPUNIT_TEST(rejectsNegativeRate);
	CPPUNIT_TEST(requiresInterruptibleRate);
	CPPUNIT_TEST(rejectsUnknownRateName);
	CPPUNIT_TEST(rejectsUnknownTerm);
	CPPUNIT_TEST(reservedRateIsDiscounted);
	CPPUNIT_TEST(quoteToTheCent);
	CPPUNIT_TEST(quoteDiscountSparesStorage);
	CPPUNIT_TEST(quoteUnknownGpuType);
	CPPUNIT_TEST(documentShape);
	CPPUNIT_TEST(documentCachedPerPriceList);
	CPPUNIT_TEST_SUITE_END();

public:
	void readsRateTables()
	{
		pricing::PriceList prices = readPrices("[pricing]\ngpu.a100.on_demand = 1.234567\ngpu.a100.interruptible = 0.5\n"
											   "reserved.1.discount_percent = 5\nreserved.3.discount_percent = 15\n"
											   "reserved.6.discount_percent = 25\nstorage_gb_hourly = 0.000417\nnetwork_tb = 3\n");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), prices.onDemandPerGpuHour.size());
		CPPUNIT_ASSERT_EQUAL(util::Micros(1234567), prices.onDemandPerGpuHour.at("a100"));
		CPPUNIT_ASSERT_EQUAL(util::Micros(500000), prices.interruptiblePerGpuHour.at("a100"));
		CPPUNIT_ASSERT_EQUAL(util::Micros(417), prices.storagePerGbHour);
		CPPUNIT_ASSERT_EQUAL(util::Micros(3000000), prices.networkPerTb);
		CPPUNIT_ASSERT_EQUAL(15, prices.term(3)->discountPercent);
		CPPUNIT_ASSERT_EQUAL(25, prices.term(6)->discountPercent);
	}

	void emptySectionTakesDefaults()
	{
		pricing::PriceList prices = readPrices("[server]\nport = 1\n");
		CPPUNIT_ASSERT_EQUAL(dollars("0.89"), prices.onDemandPerGpuHour.at("5090"));
		CPPUNIT_ASSERT_EQUAL(dollars("0.59"), prices.onDemandPerGpuHour.at("4090"));
		CPPUNIT_ASSERT_EQUAL(dollars("1.89"), prices.onDemandPerGpuHour.at("6000pro"));
		CPPUNIT_ASSERT_EQUAL(dollars("0.30"), prices.interruptiblePerGpuHour.at("4090"));
		CPPUNIT_ASSERT_EQUAL(10, prices.term(1)->discountPercent);
		CPPUNIT_ASSERT_EQUAL(dollars("0.00014"), prices.storagePerGbHour);
		CPPUNIT_ASSERT_EQUAL(dollars("2"), prices.networkPerTb);
	}

	void rejectsBinaryFloatSyntax()
	{
		CPPUNIT_ASSERT_THROW(readPrices("[pricing]\ngpu.x.on_demand = 1e-3\ngpu.x.interruptible = 0.1\n"), config::ConfigError);
		CPPUNIT_ASSERT_THROW(readPrices("[pricing]\ngpu.x.on_demand = 0.0000001\ngpu.x.interruptible = 0.1\n"), config::ConfigError);
	}

	void rejectsNegativeRate()
	{
		CPPUNIT_ASSERT_THROW(readPrices("[pricing]\nstorage_gb_hourly = -0.1\n"), config::ConfigError);
	}

	void requiresInterruptibleRate()
	{
		CPPUNIT_ASSERT_THROW(readPrices("[pricing]\ngpu.x.on_demand = 1\n"), config::ConfigError);
	}

	void rejectsUnknownRateName()
	{
		CPPUNIT_ASSERT_THROW(readPrices("[pricing]\ngpu.x.on_demand = 1\ngpu.x.interruptible = 1\ngpu.x.spot = 1\n"),
			config::ConfigError);
	}

	void rejectsUnknownTerm()
	{
		CPPUNIT_ASSERT_THROW(readPrices("[pricing]\nreserved.12.discount_percent = 40\n"), config::ConfigError);
		CPPUNIT_ASSERT_THROW(readPrices("[pricing]\nreserved.1.discount_percent = 95\n"), config::ConfigError);
	}

	void reservedRateIsDiscounted()
	{
		pricing::PriceList prices = readPrices("");
		CPPUNIT_ASSERT_EQUAL(dollars("0.801"), *prices.gpuRate("5090", pricing::RentalType::Reserved, 1));
		CPPUNIT_ASSERT_EQUAL(dollars("0.623"), *prices.gpuRate("5090", pricing::RentalType::Reserved, 6));
	}

	void quoteToTheCent()
	{
		// 5090 at 0.89 with 20% off for 3 months: 0.712 per GPU-hour. 2 GPUs and 100 GB at 0.00014:
		// 730 * (1.424 + 0.014) = 1049.74 a month; the fee is 25% of 3 months = 787.305, shown as 787.31.
		pricing::PriceList prices = readPrices("");
		auto quote = pricing::quoteReservation(prices, "5090", 2, 100, 3);
		CPPUNIT_ASSERT(quote.has_value());
		CPPUNIT_ASSERT_EQUAL(20, quote->discountPercent);
		CPPUNIT_ASSERT_EQUAL(dollars("0.712"), quote->gpuHourlyRate);
		CPPUNIT_ASSERT_EQUAL(dollars("1049.74"), quote->monthlyCost);
		CPPUNIT_ASSERT_EQUAL(dollars("1049.74"), quote->deposit);
		CPPUNIT_ASSERT_EQUAL(dollars("787.305"), quote->cancellationFee);
		CPPUNIT_ASSERT_EQUAL(std::string("787.31"), util::formatDollars(quote->cancellationFee));
	}

	void quoteDiscountSparesStorage()
	{
		// 4090 at 0.59, 30% off for 6 months: 0.413. 1 GPU and 1000 GB: 730 * (0.413 + 0.14) = 403.69.
		pricing::PriceList prices = readPrices("");
		auto quote = pricing::quoteReservation(prices, "4090", 1, 1000, 6);
		CPPUNIT_ASSERT_EQUAL(dollars("403.69"), quote->monthlyCost);
		CPPUNIT_ASSERT_EQUAL(dollars("605.535"), quote->cancellationFee);
	}

	void quoteUnknownGpuType()
	{
		pricing::PriceList prices = readPrices("");
		CPPUNIT_ASSERT(!pricing::quoteReservation(prices, "h100", 1, 50, 1).has_value());
		CPPUNIT_ASSERT(!pricing::quoteReservation(prices, "5090", 1, 50, 2).has_value());
	}

	void documentShape()
	{
		pricing::PriceList prices = readPrices("");
		Poco::JSON::Object::Ptr json = Poco::JSON::Parser().parse(pricing::pricingJson(prices)).extract<Poco::JSON::Object::Ptr>();
		CPPUNIT_ASSERT_EQUAL(0.89, json->getObject("gpus")->getValue<double>("5090"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), json->getObject("gpus")->size());
		CPPUNIT_ASSERT_EQUAL(0.95, json->getObject("interruptible")->getValue<double>("6000pro"));
		CPPUNIT_ASSERT_EQUAL(30, json->getObject("reserved")->getObject("6")->getValue<int>("discount_percent"));
		CPPUNIT_ASSERT_EQUAL(0.00014, json->getValue<double>("storage_gb_hourly"));
		CPPUNIT_ASSERT_EQUAL(2.0, json->getValue<double>("network_tb"));
		CPPUNIT_ASSERT_EQUAL(std::string("USD"), json->getValue<std::string>("currency"));
		std::string updatedAt = json->getValue<std::string>("updated_at");
		CPPUNIT_ASSERT_EQUAL(std::size_t(20), updatedAt.size());
		CPPUNIT_ASSERT_EQUAL('Z', updatedAt.back());
	}

	void documentCachedPerPriceList()
	{
		auto provider = std::make_shared<providers::StaticPricingProvider>(readPrices(""));
		pricing::PricingDocument document(provider);
		auto first = document.body();
		auto second = document.body();
		CPPUNIT_ASSERT(first == second);
		CPPUNIT_ASSERT_EQUAL(pricing::pricingJson(*provider->prices()), *first);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PricingTest);
