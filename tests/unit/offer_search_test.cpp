#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Parser.h>

#include "catalogue/offer_search.h"

using namespace gpucloud;
using catalogue::Offer;
using catalogue::OfferQuery;
using catalogue::OfferSort;

namespace
{

/// An inventory whose snapshot the test sets.
class FixedInventory : public catalogue::Inventory
{
public:
	std::shared_ptr<const catalogue::InventorySnapshot> snapshot() const override { return current; }
	void refresh() override {}

	std::shared_ptr<const catalogue::InventorySnapshot> current = std::make_shared<catalogue::InventorySnapshot>();
};

class FixedAllocations : public catalogue::AllocationCache
{
public:
	std::shared_ptr<const catalogue::AllocationCounts> counts() override { return current; }
	void invalidate() override {}

	std::shared_ptr<const catalogue::AllocationCounts> current = std::make_shared<catalogue::AllocationCounts>();
};

class FixedPricing : public pricing::PricingProvider
{
public:
	FixedPricing()
	{
		auto prices = std::make_shared<pricing::PriceList>();
		prices->onDemandPerGpuHour = {{"5090", 890000}, {"4090", 590000}};
		prices->interruptiblePerGpuHour = {{"5090", 450000}, {"4090", 300000}};
		prices->reservationTerms = {{1, 10}, {3, 20}, {6, 30}};
		prices->storagePerGbHour = 140;
		prices->networkPerTb = 2000000;
		list = prices;
	}

	std::shared_ptr<const pricing::PriceList> prices() const override { return list; }

	std::shared_ptr<const pricing::PriceList> list;
};

sdk::NodeInfo makeNode(const std::string& name, const std::string& location, const std::string& gpuType, int gpuCount)
{
	sdk::NodeInfo node;
	node.name = name;
	node.location = location;
	node.cpuModel = "EPYC";
	node.cpuCores = 16 * static_cast<std::uint32_t>(gpuCount);
	node.ramMb = 65536ull * static_cast<std::uint64_t>(gpuCount);
	node.storageTotalGb = 4000;
	node.storageFreeGb = 3000;
	node.pcieGen = 5;
	for (int i = 0; i < gpuCount; ++i)
		node.gpus.push_back({gpuType, "RTX " + gpuType, 32768, "0000:0" + std::to_string(i) + ":00.0", ""});
	return node;
}

} // namespace

class OfferSearchTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(OfferSearchTest);
	CPPUNIT_TEST(offerFields);
	CPPUNIT_TEST(offerJsonShape);
	CPPUNIT_TEST(allocatedGpusAreTaken);
	CPPUNIT_TEST(backendAssignedGpusAreTaken);
	CPPUNIT_TEST(fullyAllocatedNodeUnavailable);
	CPPUNIT_TEST(offlineNodeUnavailable);
	CPPUNIT_TEST(drainedNodeUnavailable);
	CPPUNIT_TEST(unpricedGpuTypeSkipped);
	CPPUNIT_TEST(maxGpuCountPowersOfTwo);
	CPPUNIT_TEST(filterByGpuType);
	CPPUNIT_TEST(filterByMinGpuCount);
	CPPUNIT_TEST(filterByMaxPrice);
	CPPUNIT_TEST(filterByMaxPricePerRentalType);
	CPPUNIT_TEST(filterByLocationAndNode);
	CPPUNIT_TEST(sortOrders);
	CPPUNIT_TEST(bookRebuiltOnlyOnChange);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_inventory = std::make_shared<FixedInventory>();
		_allocations = std::make_shared<FixedAllocations>();
		_pricing = std::make_shared<FixedPricing>();
		_search = std::make_shared<catalogue::OfferSearch>(_inventory, _allocations, _pricing);
	}

	void offerFields()
	{
		setNodes({makeNode("a", "Frankfurt", "5090", 4)});
		auto matches = _search->search(OfferQuery{});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), matches.offers.size());
		const Offer& offer = *matches.offers[0];
		CPPUNIT_ASSERT_EQUAL(std::string("a:5090"), offer.id);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(4), offer.gpuFree);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(4), offer.gpuTotal);
		CPPUNIT_ASSERT(offer.available);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(16), offer.share.cpuCoresPerGpu);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(64), offer.share.ramGbPerGpu);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(4), offer.maxGpuCount);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), offer.reservedRates.size());
		CPPUNIT_ASSERT_EQUAL(util::Micros(712000), offer.reservedRates[1].second);
	}

	void offerJsonShape()
	{
		setNodes({makeNode("a", "Frankfurt", "5090", 4)});
		auto matches = _search->search(OfferQuery{});
		Poco::JSON::Object::Ptr json = Poco::JSON::Parser().parse(matches.offers[0]->json).extract<Poco::JSON::Object::Ptr>();
		std::vector<std::string> names;
		json->getNames(names);
		std::vector<std::string> expected{"available", "cpu_cores_per_gpu", "cpu_model", "gpu_count", "gpu_name",
			"gpu_price_hourly", "gpu_ram_mb", "gpu_total", "gpu_type", "id", "interruptible_rate", "location",
			"max_gpu_count", "node", "pcie_gen", "ram_gb_per_gpu", "reserved_rates", "storage_available_gb",
			"storage_price_gb_hourly"};
		std::sort(names.begin(), names.end());
		CPPUNIT_ASSERT_EQUAL(expected.size(), names.size());
		for (std::size_t i = 0; i < expected.size(); ++i)
			CPPUNIT_ASSERT_EQUAL(expected[i], names[i]);
		CPPUNIT_ASSERT_EQUAL(0.89, json->getValue<double>("gpu_price_hourly"));
		CPPUNIT_ASSERT_EQUAL(0.45, json->getValue<double>("interruptible_rate"));
		CPPUNIT_ASSERT_EQUAL(0.623, json->getObject("reserved_rates")->getValue<double>("6"));
		CPPUNIT_ASSERT_EQUAL(0.00014, json->getValue<double>("storage_price_gb_hourly"));
		CPPUNIT_ASSERT_EQUAL(std::string("RTX 5090"), json->getValue<std::string>("gpu_name"));
		CPPUNIT_ASSERT_EQUAL(32768, json->getValue<int>("gpu_ram_mb"));
		CPPUNIT_ASSERT_EQUAL(3000, json->getValue<int>("storage_available_gb"));
		CPPUNIT_ASSERT_EQUAL(std::string("EPYC"), json->getValue<std::string>("cpu_model"));
		CPPUNIT_ASSERT_EQUAL(5, json->getValue<int>("pcie_gen"));
		CPPUNIT_ASSERT_EQUAL(true, json->getValue<bool>("available"));
	}

	void allocatedGpusAreTaken()
	{
		setNodes({makeNode("a", "Frankfurt", "5090", 4)});
		setAllocations({{"a", {{"5090", 1}}}});
		const Offer& offer = *_search->search(OfferQuery{}).offers.at(0);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(3), offer.gpuFree);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(2), offer.maxGpuCount);
	}

	void backendAssignedGpusAreTaken()
	{
		sdk::NodeInfo node = makeNode("a", "Frankfurt", "5090", 4);
		node.gpus[0].assignedVmId = "foreign";
		node.gpus[1].assignedVmId = "foreign-2";
		setNodes({node});
		setAllocations({{"a", {{"5090", 1}}}});
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(2), _search->search(OfferQuery{}).offers.at(0)->gpuFree);
	}

	void fullyAllocatedNodeUnavailable()
	{
		setNodes({makeNode("a", "Frankfurt", "5090", 2), makeNode("b", "Paris", "5090", 2)});
		setAllocations({{"a", {{"5090", 2}}}});
		auto available = _search->search(OfferQuery{});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), available.offers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("b"), available.offers[0]->node);

		OfferQuery all;
		all.availableOnly = false;
		auto every = _search->search(all);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), every.offers.size());
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(0), every.offers[0]->gpuFree);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(0), every.offers[0]->maxGpuCount);
		CPPUNIT_ASSERT(!every.offers[0]->available);
	}

	void offlineNodeUnavailable()
	{
		sdk::NodeInfo node = makeNode("a", "Frankfurt", "5090", 2);
		node.status = sdk::NodeStatus::Offline;
		setNodes({node});
		CPPUNIT_ASSERT(_search->search(OfferQuery{}).offers.empty());
		OfferQuery all;
		all.availableOnly = false;
		auto every = _search->search(all);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(0), every.offers.at(0)->gpuFree);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(2), every.offers.at(0)->gpuTotal);
	}

	void drainedNodeUnavailable()
	{
		auto snapshot = std::make_shared<catalogue::InventorySnapshot>();
		snapshot->nodes.push_back({"mock", makeNode("a", "Frankfurt", "5090", 2), false});
		_inventory->current = snapshot;
		CPPUNIT_ASSERT(_search->search(OfferQuery{}).offers.empty());
	}

	void unpricedGpuTypeSkipped()
	{
		setNodes({makeNode("a", "Frankfurt", "h100", 2)});
		OfferQuery all;
		all.availableOnly = false;
		CPPUNIT_ASSERT(_search->search(all).offers.empty());
	}

	void maxGpuCountPowersOfTwo()
	{
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(0), catalogue::maxAllowedGpuCount(0));
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(1), catalogue::maxAllowedGpuCount(1));
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(2), catalogue::maxAllowedGpuCount(3));
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(4), catalogue::maxAllowedGpuCount(7));
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(8), catalogue::maxAllowedGpuCount(8));
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(8), catalogue::maxAllowedGpuCount(12));
	}

	void filterByGpuType()
	{
		setMixedNodes();
		OfferQuery query;
		query.gpuType = "4090";
		auto matches = _search->search(query);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), matches.offers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("b:4090"), matches.offers[0]->id);
	}

	void filterByMinGpuCount()
	{
		setMixedNodes();
		OfferQuery query;
		query.minGpuCount = 3;
		auto matches = _search->search(query);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), matches.offers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a:5090"), matches.offers[0]->id);
		CPPUNIT_ASSERT_EQUAL(std::string("c:5090"), matches.offers[1]->id);
	}

	void filterByMaxPrice()
	{
		setMixedNodes();
		OfferQuery query;
		query.maxPrice = 590000;
		auto matches = _search->search(query);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), matches.offers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("4090"), matches.offers[0]->gpuType);
	}

	void filterByMaxPricePerRentalType()
	{
		setMixedNodes();
		OfferQuery query;
		query.maxPrice = 450000;
		query.rentalType = pricing::RentalType::Interruptible;
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), _search->search(query).offers.size());
		query.rentalType = pricing::RentalType::Reserved;  // lowest reserved 5090 rate is 0.623
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _search->search(query).offers.size());
		query.maxPrice = 623000;
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), _search->search(query).offers.size());
	}

	void filterByLocationAndNode()
	{
		setMixedNodes();
		OfferQuery query;
		query.location = "Paris";
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _search->search(query).offers.size());
		query.node = "c";
		auto matches = _search->search(query);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), matches.offers.size());
		CPPUNIT_ASSERT_EQUAL(std::string("c:5090"), matches.offers[0]->id);
	}

	void sortOrders()
	{
		setMixedNodes();
		OfferQuery query;
		query.sort = OfferSort::PriceAscending;
		CPPUNIT_ASSERT_EQUAL(std::string("b:4090,a:5090,c:5090"), ids(query));
		query.sort = OfferSort::PriceDescending;
		CPPUNIT_ASSERT_EQUAL(std::string("a:5090,c:5090,b:4090"), ids(query));
		query.sort = OfferSort::GpuCountAscending;
		CPPUNIT_ASSERT_EQUAL(std::string("b:4090,c:5090,a:5090"), ids(query));
		query.sort = OfferSort::GpuCountDescending;
		CPPUNIT_ASSERT_EQUAL(std::string("a:5090,c:5090,b:4090"), ids(query));
		query.sort = OfferSort::Id;
		CPPUNIT_ASSERT_EQUAL(std::string("a:5090,b:4090,c:5090"), ids(query));
	}

	void bookRebuiltOnlyOnChange()
	{
		setMixedNodes();
		auto first = _search->book();
		CPPUNIT_ASSERT(first == _search->book());
		setAllocations({{"a", {{"5090", 1}}}});
		auto second = _search->book();
		CPPUNIT_ASSERT(first != second);
		CPPUNIT_ASSERT(second == _search->book());
	}

private:
	void setNodes(std::vector<sdk::NodeInfo> nodes)
	{
		auto snapshot = std::make_shared<catalogue::InventorySnapshot>();
		for (sdk::NodeInfo& node : nodes)
			snapshot->nodes.push_back({"mock", std::move(node), true});
		_inventory->current = snapshot;
	}

	void setAllocations(catalogue::AllocationCounts counts)
	{
		_allocations->current = std::make_shared<catalogue::AllocationCounts>(std::move(counts));
	}

	/// a: 8 x 5090 in Frankfurt, b: 2 x 4090 in Paris, c: 4 x 5090 in Paris.
	void setMixedNodes()
	{
		setNodes({makeNode("c", "Paris", "5090", 4), makeNode("a", "Frankfurt", "5090", 8), makeNode("b", "Paris", "4090", 2)});
	}

	std::string ids(const OfferQuery& query)
	{
		std::string list;
		for (const Offer* offer : _search->search(query).offers)
			list += (list.empty() ? "" : ",") + offer->id;
		return list;
	}

	std::shared_ptr<FixedInventory> _inventory;
	std::shared_ptr<FixedAllocations> _allocations;
	std::shared_ptr<FixedPricing> _pricing;
	std::shared_ptr<catalogue::OfferSearch> _search;
};

CPPUNIT_TEST_SUITE_REGISTRATION(OfferSearchTest);
