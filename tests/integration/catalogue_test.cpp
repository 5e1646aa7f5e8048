#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Data/Session.h>
#include <Poco/JSON/Parser.h>

#include "catalogue/backend_inventory.h"
#include "http/api_error.h"
#include "http/dispatcher.h"
#include "support/http_client.h"
#include "support/test_server.h"

using namespace gpucloud;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;
using testing::HttpClient;
using testing::HttpResult;
using testing::TestServer;

namespace
{

/// Keys appended to the base configuration's [backends.mock] section, then the catalogue's own sections.
const char* kCatalogueIni = R"(nodes = n1, n2, n3
node.n1.location = Frankfurt
node.n1.gpus = 5090:4
node.n2.location = Paris
node.n2.gpus = 4090:2
node.n3.location = Paris
node.n3.status = offline
node.n3.status_reason = maintenance
node.n3.gpus = 6000pro:2

[catalogue]
inventory_refresh_ms = 60000
allocation_max_age_ms = 60000
)";

/// Authenticates "admin-token" as administrator 1 and "user-token" as user 2.
class FakeAuthenticator : public auth::Authenticator
{
public:
	auth::Principal authenticate(const std::string& credential) override
	{
		auth::Principal principal;
		if (credential == "admin-token")
		{
			principal.userId = 1;
			principal.isAdmin = true;
			return principal;
		}
		if (credential == "user-token")
		{
			principal.userId = 2;
			return principal;
		}
		throw http::unauthorized("Invalid credential");
	}
};

Poco::JSON::Array::Ptr parseArray(const std::string& body)
{
	return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Array::Ptr>();
}

Poco::JSON::Object::Ptr parseObject(const std::string& body)
{
	return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
}

/// Returns the ids of the offers in a /search body, comma-separated.
std::string offerIds(const HttpResult& result)
{
	Poco::JSON::Array::Ptr offers = result.jsonArray();
	std::string ids;
	for (std::size_t i = 0; i < offers->size(); ++i)
		ids += (ids.empty() ? "" : ",") + offers->getObject(static_cast<unsigned>(i))->getValue<std::string>("id");
	return ids;
}

/// Returns the query parameter named by the first entry of a 422 body.
std::string failedParameter(const HttpResult& result)
{
	Poco::JSON::Object::Ptr entry = result.json()->getArray("detail")->getObject(0);
	return entry->getArray("loc")->getElement<std::string>(1);
}

} // namespace

class CatalogueTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CatalogueTest);
	CPPUNIT_TEST(searchListsAvailableOffers);
	CPPUNIT_TEST(searchOfferShape);
	CPPUNIT_TEST(searchOfflineNodeUnavailable);
	CPPUNIT_TEST(searchFilters);
	CPPUNIT_TEST(searchSortsAndPages);
	CPPUNIT_TEST(searchRejectsBadParameters);
	CPPUNIT_TEST(searchAllocatedNodeHasNoOffer);
	CPPUNIT_TEST(searchDrainedNodeHasNoOffer);
	CPPUNIT_TEST(pricingShape);
	CPPUNIT_TEST(templatesShape);
	CPPUNIT_TEST(calculateToTheCent);
	CPPUNIT_TEST(calculateRejectsBadFields);
	CPPUNIT_TEST(calculateRejectsBadBodies);
	CPPUNIT_TEST(adminRoutesNeedAdmin);
	CPPUNIT_TEST(adminListsNodes);
	CPPUNIT_TEST(adminDrainsNode);
	CPPUNIT_TEST(adminRefreshesInventory);
	CPPUNIT_TEST(failingBackendMarksNodesOffline);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_server = std::make_unique<TestServer>(kCatalogueIni);
	}

	void tearDown() override
	{
		_server.reset();
	}

	void searchListsAvailableOffers()
	{
		HttpResult result = client().get("/search");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090,n2:4090"), offerIds(result));
		CPPUNIT_ASSERT_EQUAL(std::string("2"), result.header("x-total-count"));
		CPPUNIT_ASSERT(!result.header("ratelimit-limit").empty());
	}

	void searchOfferShape()
	{
		Poco::JSON::Object::Ptr offer = client().get("/search?node=n1").jsonArray()->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::size_t(19), offer->size());
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090"), offer->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::string("n1"), offer->getValue<std::string>("node"));
		CPPUNIT_ASSERT_EQUAL(std::string("Frankfurt"), offer->getValue<std::string>("location"));
		CPPUNIT_ASSERT_EQUAL(std::string("5090"), offer->getValue<std::string>("gpu_type"));
		CPPUNIT_ASSERT_EQUAL(std::string("RTX 5090"), offer->getValue<std::string>("gpu_name"));
		CPPUNIT_ASSERT_EQUAL(32768, offer->getValue<int>("gpu_ram_mb"));
		CPPUNIT_ASSERT_EQUAL(4, offer->getValue<int>("gpu_count"));
		CPPUNIT_ASSERT_EQUAL(4, offer->getValue<int>("gpu_total"));
		CPPUNIT_ASSERT_EQUAL(true, offer->getValue<bool>("available"));
		CPPUNIT_ASSERT_EQUAL(0.89, offer->getValue<double>("gpu_price_hourly"));
		CPPUNIT_ASSERT_EQUAL(0.45, offer->getValue<double>("interruptible_rate"));
		Poco::JSON::Object::Ptr reserved = offer->getObject("reserved_rates");
		CPPUNIT_ASSERT_EQUAL(0.801, reserved->getValue<double>("1"));
		CPPUNIT_ASSERT_EQUAL(0.712, reserved->getValue<double>("3"));
		CPPUNIT_ASSERT_EQUAL(0.623, reserved->getValue<double>("6"));
		CPPUNIT_ASSERT_EQUAL(0.00014, offer->getValue<double>("storage_price_gb_hourly"));
		CPPUNIT_ASSERT_EQUAL(16, offer->getValue<int>("cpu_cores_per_gpu"));
		CPPUNIT_ASSERT_EQUAL(64, offer->getValue<int>("ram_gb_per_gpu"));
		CPPUNIT_ASSERT_EQUAL(4096, offer->getValue<int>("storage_available_gb"));
		CPPUNIT_ASSERT_EQUAL(std::string("Generic x86-64"), offer->getValue<std::string>("cpu_model"));
		CPPUNIT_ASSERT_EQUAL(4, offer->getValue<int>("pcie_gen"));
		CPPUNIT_ASSERT_EQUAL(4, offer->getValue<int>("max_gpu_count"));
	}

	void searchOfflineNodeUnavailable()
	{
		CPPUNIT_ASSERT_EQUAL(std::string(""), offerIds(client().get("/search?node=n3")));
		HttpResult every = client().get("/search?available=false");
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090,n2:4090,n3:6000pro"), offerIds(every));
		Poco::JSON::Object::Ptr offline = every.jsonArray()->getObject(2);
		CPPUNIT_ASSERT_EQUAL(false, offline->getValue<bool>("available"));
		CPPUNIT_ASSERT_EQUAL(0, offline->getValue<int>("gpu_count"));
		CPPUNIT_ASSERT_EQUAL(2, offline->getValue<int>("gpu_total"));
		CPPUNIT_ASSERT_EQUAL(0, offline->getValue<int>("max_gpu_count"));
	}

	void searchFilters()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("n2:4090"), offerIds(client().get("/search?gpu_type=4090")));
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090"), offerIds(client().get("/search?min_gpu_count=3")));
		CPPUNIT_ASSERT_EQUAL(std::string("n2:4090"), offerIds(client().get("/search?max_price=0.59")));
		CPPUNIT_ASSERT_EQUAL(std::string(""), offerIds(client().get("/search?max_price=0.589999")));
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090,n2:4090"),
			offerIds(client().get("/search?max_price=0.45&rental_type=interruptible")));
		CPPUNIT_ASSERT_EQUAL(std::string("n2:4090"), offerIds(client().get("/search?location=Paris")));
		CPPUNIT_ASSERT_EQUAL(std::string("n2:4090,n3:6000pro"),
			offerIds(client().get("/search?location=Paris&available=false")));
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090"), offerIds(client().get("/search?node=n1")));
	}

	void searchSortsAndPages()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("n2:4090,n1:5090,n3:6000pro"),
			offerIds(client().get("/search?available=false&sort=price")));
		CPPUNIT_ASSERT_EQUAL(std::string("n3:6000pro,n1:5090,n2:4090"),
			offerIds(client().get("/search?available=false&sort=-price")));
		CPPUNIT_ASSERT_EQUAL(std::string("n3:6000pro,n2:4090,n1:5090"),
			offerIds(client().get("/search?available=false&sort=gpu_count")));
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090,n2:4090,n3:6000pro"),
			offerIds(client().get("/search?available=false&sort=-gpu_count")));

		HttpResult page = client().get("/search?available=false&limit=1&offset=1");
		CPPUNIT_ASSERT_EQUAL(std::string("n2:4090"), offerIds(page));
		CPPUNIT_ASSERT_EQUAL(std::string("3"), page.header("x-total-count"));
		CPPUNIT_ASSERT(page.header("link").find("rel=\"next\"") != std::string::npos);
		CPPUNIT_ASSERT(page.header("link").find("rel=\"prev\"") != std::string::npos);
	}

	void searchRejectsBadParameters()
	{
		const std::vector<std::pair<std::string, std::string>> cases = {
			{"gpu_type=h100", "gpu_type"},
			{"min_gpu_count=abc", "min_gpu_count"},
			{"min_gpu_count=0", "min_gpu_count"},
			{"max_price=cheap", "max_price"},
			{"max_price=-1", "max_price"},
			{"max_price=1e3", "max_price"},
			{"rental_type=spot", "rental_type"},
			{"available=maybe", "available"},
			{"sort=cost", "sort"},
			{"limit=0", "limit"},
			{"limit=101", "limit"},
			{"offset=-1", "offset"},
		};
		for (const auto& [query, parameter] : cases)
		{
			HttpResult result = client().get("/search?" + query);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(query, 422, result.status);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(query, parameter, failedParameter(result));
		}
	}

	void searchAllocatedNodeHasNoOffer()
	{
		app::ServerContext& context = _server->core().context();
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090"), offerIds(client().get("/search?node=n1")));
		context.database.transaction([](Poco::Data::Session& session) {
			session << "INSERT INTO users (id, email, password_hash, created_at, updated_at) "
					   "VALUES (1, 'owner@example.com', 'x', 0, 0)", now;
			session << "INSERT INTO vms (id, user_id, backend, node, template_vmid, gpu_type, gpu_count, storage_gb, "
					   "ram_gb, cpu_cores, rental_type, status, gpu_hourly_rate_micros, storage_hourly_rate_micros, "
					   "created_at, updated_at) VALUES ('vm-1', 1, 'mock', 'n1', 100, '5090', 4, 50, 256, 64, "
					   "'on_demand', 'running', 890000, 7000, 0, 0)", now;
			for (int i = 0; i < 4; ++i)
			{
				std::string address = "gpu-" + std::to_string(i);
				session << "INSERT INTO gpu_allocations (node, gpu_address, gpu_type, vm_id, allocated_at) "
						   "VALUES ('n1', $1, '5090', 'vm-1', 0)", use(address), now;
			}
		});
		// The cached counts stay valid for allocation_max_age_ms until a writer invalidates them.
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090"), offerIds(client().get("/search?node=n1")));

		context.allocations->invalidate();
		CPPUNIT_ASSERT_EQUAL(std::string(""), offerIds(client().get("/search?node=n1")));
		Poco::JSON::Object::Ptr full = client().get("/search?node=n1&available=false").jsonArray()->getObject(0);
		CPPUNIT_ASSERT_EQUAL(0, full->getValue<int>("gpu_count"));
		CPPUNIT_ASSERT_EQUAL(false, full->getValue<bool>("available"));
		CPPUNIT_ASSERT_EQUAL(0, full->getValue<int>("max_gpu_count"));
	}

	void searchDrainedNodeHasNoOffer()
	{
		app::ServerContext& context = _server->core().context();
		context.database.transaction([](Poco::Data::Session& session) {
			catalogue::saveNodeSchedulable(session, "n2", false);
		});
		context.inventory->refresh();
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090"), offerIds(client().get("/search")));
	}

	void pricingShape()
	{
		HttpResult result = client().get("/pricing");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		Poco::JSON::Object::Ptr json = result.json();
		CPPUNIT_ASSERT_EQUAL(std::size_t(7), json->size());
		Poco::JSON::Object::Ptr gpus = json->getObject("gpus");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), gpus->size());
		CPPUNIT_ASSERT_EQUAL(0.89, gpus->getValue<double>("5090"));
		CPPUNIT_ASSERT_EQUAL(0.59, gpus->getValue<double>("4090"));
		CPPUNIT_ASSERT_EQUAL(1.89, gpus->getValue<double>("6000pro"));
		CPPUNIT_ASSERT_EQUAL(0.3, json->getObject("interruptible")->getValue<double>("4090"));
		Poco::JSON::Object::Ptr reserved = json->getObject("reserved");
		CPPUNIT_ASSERT_EQUAL(10, reserved->getObject("1")->getValue<int>("discount_percent"));
		CPPUNIT_ASSERT_EQUAL(20, reserved->getObject("3")->getValue<int>("discount_percent"));
		CPPUNIT_ASSERT_EQUAL(30, reserved->getObject("6")->getValue<int>("discount_percent"));
		CPPUNIT_ASSERT_EQUAL(0.00014, json->getValue<double>("storage_gb_hourly"));
		CPPUNIT_ASSERT_EQUAL(2.0, json->getValue<double>("network_tb"));
		CPPUNIT_ASSERT_EQUAL(std::string("USD"), json->getValue<std::string>("currency"));
		CPPUNIT_ASSERT_EQUAL('Z', json->getValue<std::string>("updated_at").back());
	}

	void templatesShape()
	{
		HttpResult result = client().get("/templates");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		Poco::JSON::Array::Ptr templates = result.jsonArray();
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), templates->size());
		Poco::JSON::Object::Ptr first = templates->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), first->size());
		CPPUNIT_ASSERT_EQUAL(100, first->getValue<int>("vmid"));
		CPPUNIT_ASSERT_EQUAL(std::string("Ubuntu 22.04 with NVIDIA drivers"), first->getValue<std::string>("name"));
		CPPUNIT_ASSERT(!first->getValue<std::string>("description").empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), first->getArray("access")->size());
		CPPUNIT_ASSERT_EQUAL(50, first->getValue<int>("min_storage_gb"));
		Poco::JSON::Object::Ptr comfy = templates->getObject(3);
		CPPUNIT_ASSERT_EQUAL(103, comfy->getValue<int>("vmid"));
		CPPUNIT_ASSERT_EQUAL(std::string("jupyter"), comfy->getArray("access")->getElement<std::string>(2));
	}

	void calculateToTheCent()
	{
		HttpResult result = client().postJson("/reservations/calculate",
			R"({"gpu_type": "5090", "gpu_count": 2, "storage_gb": 100, "reservation_months": 3})");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		Poco::JSON::Object::Ptr json = result.json();
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), json->size());
		CPPUNIT_ASSERT_EQUAL(20, json->getValue<int>("discount_percent"));
		CPPUNIT_ASSERT_EQUAL(0.712, json->getValue<double>("hourly_rate_after_discount"));
		CPPUNIT_ASSERT_EQUAL(1049.74, json->getValue<double>("monthly_cost"));
		CPPUNIT_ASSERT_EQUAL(1049.74, json->getValue<double>("deposit_required"));
		CPPUNIT_ASSERT_EQUAL(787.31, json->getValue<double>("cancellation_fee_25_percent"));
		CPPUNIT_ASSERT(!result.header("ratelimit-limit").empty());
	}

	void calculateRejectsBadFields()
	{
		const std::vector<std::pair<std::string, std::string>> cases = {
			{R"({"gpu_type": "h100", "gpu_count": 1, "storage_gb": 50, "reservation_months": 1})", "gpu_type"},
			{R"({"gpu_count": 1, "storage_gb": 50, "reservation_months": 1})", "gpu_type"},
			{R"({"gpu_type": "5090", "gpu_count": 3, "storage_gb": 50, "reservation_months": 1})", "gpu_count"},
			{R"({"gpu_type": "5090", "gpu_count": 16, "storage_gb": 50, "reservation_months": 1})", "gpu_count"},
			{R"({"gpu_type": "5090", "gpu_count": "2", "storage_gb": 50, "reservation_months": 1})", "gpu_count"},
			{R"({"gpu_type": "5090", "gpu_count": 1, "storage_gb": 49, "reservation_months": 1})", "storage_gb"},
			{R"({"gpu_type": "5090", "gpu_count": 1, "reservation_months": 1})", "storage_gb"},
			{R"({"gpu_type": "5090", "gpu_count": 1, "storage_gb": 50, "reservation_months": 2})", "reservation_months"},
			{R"({"gpu_type": "5090", "gpu_count": 1, "storage_gb": 50, "reservation_months": 12})", "reservation_months"},
		};
		for (const auto& [body, field] : cases)
		{
			HttpResult result = client().postJson("/reservations/calculate", body);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(body, 422, result.status);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(body, field, failedParameter(result));
		}
	}

	void calculateRejectsBadBodies()
	{
		CPPUNIT_ASSERT_EQUAL(400, client().postJson("/reservations/calculate", "{not json").status);
		CPPUNIT_ASSERT_EQUAL(415, client().request("POST", "/reservations/calculate", "gpu_type=5090", {}, "text/plain").status);
		HttpResult empty = client().postJson("/reservations/calculate", "{}");
		CPPUNIT_ASSERT_EQUAL(422, empty.status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(4), empty.json()->getArray("detail")->size());
	}

	void adminRoutesNeedAdmin()
	{
		CPPUNIT_ASSERT_EQUAL(401, client().get("/admin/nodes").status);
		CPPUNIT_ASSERT_EQUAL(401, client().request("PATCH", "/admin/nodes/n1", R"({"schedulable": false})").status);
		CPPUNIT_ASSERT_EQUAL(401, client().postJson("/admin/inventory/refresh", "").status);
		CPPUNIT_ASSERT_EQUAL(403, dispatch("GET", "/admin/nodes", "", "user-token").status);
	}

	void adminListsNodes()
	{
		http::Response response = dispatch("GET", "/admin/nodes", "", "admin-token");
		CPPUNIT_ASSERT_EQUAL(200, response.status);
		Poco::JSON::Array::Ptr nodes = parseArray(response.body);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), nodes->size());
		Poco::JSON::Object::Ptr n3 = nodes->getObject(2);
		CPPUNIT_ASSERT_EQUAL(std::string("n3"), n3->getValue<std::string>("node"));
		CPPUNIT_ASSERT_EQUAL(std::string("mock"), n3->getValue<std::string>("backend"));
		CPPUNIT_ASSERT_EQUAL(std::string("offline"), n3->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("maintenance"), n3->getValue<std::string>("status_reason"));
		CPPUNIT_ASSERT_EQUAL(true, n3->getValue<bool>("schedulable"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), n3->getArray("gpus")->size());
		Poco::JSON::Object::Ptr inventory = n3->getArray("gpu_inventory")->getObject(0);
		CPPUNIT_ASSERT_EQUAL(std::string("6000pro"), inventory->getValue<std::string>("gpu_type"));
		CPPUNIT_ASSERT_EQUAL(2, inventory->getValue<int>("total"));
		CPPUNIT_ASSERT_EQUAL(0, inventory->getValue<int>("allocated"));
		CPPUNIT_ASSERT(nodes->getObject(0)->isNull("status_reason"));
	}

	void adminDrainsNode()
	{
		http::Response drained = dispatch("PATCH", "/admin/nodes/n1", R"({"schedulable": false})", "admin-token");
		CPPUNIT_ASSERT_EQUAL(200, drained.status);
		CPPUNIT_ASSERT_EQUAL(false, parseObject(drained.body)->getValue<bool>("schedulable"));
		CPPUNIT_ASSERT_EQUAL(std::string("n2:4090"), offerIds(client().get("/search")));

		_server->core().context().inventory->refresh();
		CPPUNIT_ASSERT_EQUAL(std::string("n2:4090"), offerIds(client().get("/search")));

		CPPUNIT_ASSERT_EQUAL(200, dispatch("PATCH", "/admin/nodes/n1", R"({"schedulable": true})", "admin-token").status);
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090,n2:4090"), offerIds(client().get("/search")));

		CPPUNIT_ASSERT_EQUAL(404, dispatch("PATCH", "/admin/nodes/n9", R"({"schedulable": false})", "admin-token").status);
		CPPUNIT_ASSERT_EQUAL(422, dispatch("PATCH", "/admin/nodes/n1", R"({"schedulable": "no"})", "admin-token").status);
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(2), auditRows("node.update"));
	}

	void adminRefreshesInventory()
	{
		http::Response response = dispatch("POST", "/admin/inventory/refresh", "", "admin-token");
		CPPUNIT_ASSERT_EQUAL(200, response.status);
		Poco::JSON::Object::Ptr json = parseObject(response.body);
		CPPUNIT_ASSERT_EQUAL(3, json->getValue<int>("nodes"));
		CPPUNIT_ASSERT_EQUAL(1, json->getValue<int>("offline_nodes"));
		CPPUNIT_ASSERT_EQUAL('Z', json->getValue<std::string>("refreshed_at").back());
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(1), auditRows("inventory.refresh"));
	}

	void failingBackendMarksNodesOffline()
	{
		_server.reset();
		_server = std::make_unique<TestServer>(std::string("fault.list_nodes = fail unavailable from call 2\n") + kCatalogueIni);
		CPPUNIT_ASSERT_EQUAL(std::string("n1:5090,n2:4090"), offerIds(client().get("/search")));

		_server->core().context().inventory->refresh();
		CPPUNIT_ASSERT_EQUAL(std::string(""), offerIds(client().get("/search")));
		auto snapshot = _server->core().context().inventory->snapshot();
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), snapshot->nodes.size());
		const catalogue::NodeEntry* n1 = snapshot->find("n1");
		CPPUNIT_ASSERT(n1->info.status == sdk::NodeStatus::Offline);
		CPPUNIT_ASSERT(n1->info.statusReason.find("Backend 'mock' failed to list its nodes") != std::string::npos);
	}

private:
	HttpClient client() const
	{
		return _server->client();
	}

	/// Runs a request through the server's own routes with a dispatcher that accepts the fake credentials, so that
	/// administrator routes can be tested without an account system.
	http::Response dispatch(const std::string& method, const std::string& path, const std::string& body,
		const std::string& token)
	{
		http::Dispatcher dispatcher(_server->core().context().router, std::make_shared<FakeAuthenticator>(), nullptr);
		http::Request request;
		request.method = method;
		request.path = path;
		request.body = body;
		request.clientAddress = "127.0.0.1";
		request.requestId = "test";
		request.headers["Authorization"] = "Bearer " + token;
		if (!body.empty())
			request.headers["Content-Type"] = "application/json";
		return dispatcher.dispatch(request);
	}

	Poco::Int64 auditRows(const std::string& action)
	{
		Poco::Int64 count = 0;
		std::string name = action;
		Poco::Data::Session session = _server->core().context().database.session();
		session << "SELECT COUNT(*) FROM audit_log WHERE action = $1", Poco::Data::Keywords::into(count), use(name), now;
		return count;
	}

	std::unique_ptr<TestServer> _server;
};

CPPUNIT_TEST_SUITE_REGISTRATION(CatalogueTest);
