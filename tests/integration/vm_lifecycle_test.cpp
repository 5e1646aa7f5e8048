#include <memory>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Array.h>

#include "support/vm_api_user.h"

using namespace gpucloud::testing;

namespace
{

const char* kIni = R"(
[vms]
job_poll_interval_ms = 50
job_retry_base = 1
reconcile_interval_ms = 200
status_poll_interval = 1
portal_url_pattern = https://{vm_id}-{service}.portal.test

[catalogue]
inventory_refresh_ms = 200
)";

bool allowed(const Poco::JSON::Object::Ptr& vm, const std::string& action)
{
	return vm->getObject("actions")->getObject(action)->getValue<bool>("allowed");
}

std::string detail(const HttpResult& result)
{
	return result.json()->getValue<std::string>("detail");
}

} // namespace

class VmLifecycleTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(VmLifecycleTest);
	CPPUNIT_TEST(createShowsShareAndRates);
	CPPUNIT_TEST(fullLifecycle);
	CPPUNIT_TEST(forbiddenActionsConflict);
	CPPUNIT_TEST(resizeGrowsOnly);
	CPPUNIT_TEST(createValidation);
	CPPUNIT_TEST(noSshKeyBadRequest);
	CPPUNIT_TEST(notEnoughGpusConflict);
	CPPUNIT_TEST(vmLimitForbidden);
	CPPUNIT_TEST(passwordAuthNotStored);
	CPPUNIT_TEST(idempotencyKeyReplays);
	CPPUNIT_TEST(listFiltersAndPages);
	CPPUNIT_TEST(portalAuthorization);
	CPPUNIT_TEST(destroyWhileCreating);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_server = std::make_unique<TestServer>(kIni);
		_user = std::make_unique<ApiUser>(*_server, "alice@example.com");
	}

	void tearDown() override
	{
		_user.reset();
		_server.reset();
	}

	void createShowsShareAndRates()
	{
		_user->addSshKey();
		HttpResult result = _user->post("/vms", vmBody("vm01", "5090", 2, R"("instance_label": "trainer")"));
		CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 201, result.status);
		Poco::JSON::Object::Ptr vm = result.json();
		CPPUNIT_ASSERT_EQUAL(std::string("creating"), vm->getValue<std::string>("status"));
		// vm01 of the mock: 128 cores, 1536 GB RAM and 8 GPUs, so 16 cores and 192 GB per GPU.
		CPPUNIT_ASSERT_EQUAL(32, vm->getValue<int>("cpu_cores"));
		CPPUNIT_ASSERT_EQUAL(384, vm->getValue<int>("ram_gb"));
		CPPUNIT_ASSERT_EQUAL(std::string("trainer"), vm->getValue<std::string>("instance_label"));
		CPPUNIT_ASSERT_EQUAL(std::string("on_demand"), vm->getValue<std::string>("rental_type"));
		double gpuRate = vm->getValue<double>("gpu_hourly_rate");
		double storageRate = vm->getValue<double>("storage_hourly_rate");
		CPPUNIT_ASSERT_DOUBLES_EQUAL(0.89, gpuRate, 1e-9);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(2 * gpuRate + storageRate, vm->getValue<double>("hourly_rate"), 1e-9);
		CPPUNIT_ASSERT_EQUAL(std::string("mock"), vm->getValue<std::string>("backend"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), vm->getArray("access")->size());
		CPPUNIT_ASSERT_EQUAL(2L, static_cast<long>(allocationCount(*_server, vm->getValue<std::string>("id"))));
	}

	void fullLifecycle()
	{
		_user->addSshKey();
		std::string id = _user->createVm(vmBody("vm01", "5090", 1, R"("template_vmid": 102, "storage_gb": 120)"));
		Poco::JSON::Object::Ptr vm = _user->waitForStatus(id, "running");
		CPPUNIT_ASSERT(!vm->isNull("ip_address"));
		CPPUNIT_ASSERT(vm->getValue<Poco::Int64>("vmid") > 0);
		CPPUNIT_ASSERT(!vm->isNull("started_at"));
		Poco::JSON::Array::Ptr access = vm->getArray("access");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), access->size());
		CPPUNIT_ASSERT_EQUAL("ssh ubuntu@" + vm->getValue<std::string>("ip_address"),
			access->getObject(0)->getValue<std::string>("command"));
		CPPUNIT_ASSERT_EQUAL("https://" + id + "-webui.portal.test", access->getObject(1)->getValue<std::string>("url"));
		CPPUNIT_ASSERT(allowed(vm, "stop"));
		CPPUNIT_ASSERT(!allowed(vm, "start"));
		CPPUNIT_ASSERT(eventually([&] { return !_user->get("/vms/" + id).json()->isNull("cpu_percent"); }));

		HttpResult stop = _user->post("/vms/" + id + "/stop", "");
		CPPUNIT_ASSERT_EQUAL(202, stop.status);
		CPPUNIT_ASSERT_EQUAL(std::string("stopping"), stop.json()->getValue<std::string>("status"));
		vm = _user->waitForStatus(id, "stopped");
		CPPUNIT_ASSERT_EQUAL(0L, static_cast<long>(allocationCount(*_server, id)));
		CPPUNIT_ASSERT(vm->isNull("ip_address"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), vm->getArray("access")->size());

		HttpResult start = _user->post("/vms/" + id + "/start", "");
		CPPUNIT_ASSERT_EQUAL(202, start.status);
		CPPUNIT_ASSERT_EQUAL(std::string("starting"), start.json()->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(1L, static_cast<long>(allocationCount(*_server, id)));
		_user->waitForStatus(id, "running");

		HttpResult restart = _user->post("/vms/" + id + "/restart", "");
		CPPUNIT_ASSERT_EQUAL(202, restart.status);
		CPPUNIT_ASSERT_EQUAL(std::string("stopping"), restart.json()->getValue<std::string>("status"));
		_user->waitForStatus(id, "running");
		CPPUNIT_ASSERT_EQUAL(1L, static_cast<long>(allocationCount(*_server, id)));

		HttpResult patched = _user->patch("/vms/" + id, R"({"instance_label": "renamed", "auto_restart": true})");
		CPPUNIT_ASSERT_EQUAL(200, patched.status);
		CPPUNIT_ASSERT_EQUAL(std::string("renamed"), patched.json()->getValue<std::string>("instance_label"));
		CPPUNIT_ASSERT_EQUAL(true, patched.json()->getValue<bool>("auto_restart"));

		HttpResult destroyed = _user->remove("/vms/" + id);
		CPPUNIT_ASSERT_EQUAL(202, destroyed.status);
		CPPUNIT_ASSERT_EQUAL(std::string("destroyed"), destroyed.json()->getValue<std::string>("status"));
		CPPUNIT_ASSERT(eventually([&] { return allocationCount(*_server, id) == 0; }));
		CPPUNIT_ASSERT_EQUAL(202, _user->remove("/vms/" + id).status);
		CPPUNIT_ASSERT_EQUAL(std::string("destroyed"), _user->get("/vms/" + id).json()->getValue<std::string>("status"));
	}

	void forbiddenActionsConflict()
	{
		_user->addSshKey();
		std::string id = _user->createVm(vmBody("vm01", "4090", 1));
		_user->waitForStatus(id, "running");
		HttpResult start = _user->post("/vms/" + id + "/start", "");
		CPPUNIT_ASSERT_EQUAL(409, start.status);
		CPPUNIT_ASSERT(detail(start).find("is running") != std::string::npos);

		_user->post("/vms/" + id + "/stop", "");
		_user->waitForStatus(id, "stopped");
		for (const char* action : {"stop", "restart"})
		{
			HttpResult result = _user->post("/vms/" + id + "/" + action, "");
			CPPUNIT_ASSERT_EQUAL_MESSAGE(action, 409, result.status);
			CPPUNIT_ASSERT_MESSAGE(detail(result), detail(result).find("is stopped") != std::string::npos);
		}

		_user->remove("/vms/" + id);
		for (const char* action : {"start", "stop", "restart"})
			CPPUNIT_ASSERT_EQUAL_MESSAGE(action, 409, _user->post("/vms/" + id + "/" + action, "").status);
		CPPUNIT_ASSERT_EQUAL(409, _user->patch("/vms/" + id, R"({"instance_label": "x"})").status);
		Poco::JSON::Object::Ptr vm = _user->get("/vms/" + id).json();
		CPPUNIT_ASSERT(!allowed(vm, "destroy"));
		CPPUNIT_ASSERT(!vm->getObject("actions")->getObject("destroy")->getValue<std::string>("reason").empty());
	}

	void resizeGrowsOnly()
	{
		_user->addSshKey();
		std::string id = _user->createVm(vmBody("vm01", "4090", 1));
		_user->waitForStatus(id, "running");
		HttpResult shrink = _user->post("/vms/" + id + "/resize", R"({"storage_gb": 60})");
		CPPUNIT_ASSERT_EQUAL(422, shrink.status);
		CPPUNIT_ASSERT_EQUAL(std::string("storage_gb"), failedField(shrink));
		CPPUNIT_ASSERT_EQUAL(422, _user->post("/vms/" + id + "/resize", R"({"storage_gb": 100})").status);

		double rate = _user->get("/vms/" + id).json()->getValue<double>("storage_hourly_rate");
		CPPUNIT_ASSERT_EQUAL(202, _user->post("/vms/" + id + "/resize", R"({"storage_gb": 200})").status);
		CPPUNIT_ASSERT(eventually([&] { return _user->get("/vms/" + id).json()->getValue<int>("storage_gb") == 200; }));
		CPPUNIT_ASSERT_DOUBLES_EQUAL(2 * rate, _user->get("/vms/" + id).json()->getValue<double>("storage_hourly_rate"),
			1e-9);
	}

	void createValidation()
	{
		_user->addSshKey();
		struct Case
		{
			std::string body;
			std::string field;
		};
		std::vector<Case> cases = {
			{vmBody("nowhere", "5090", 1), "node"},
			{vmBody("vm01", "h100", 1), "gpu_type"},
			{vmBody("vm01", "5090", 3), "gpu_count"},
			{vmBody("vm01", "5090", 1, R"("template_vmid": 999)"), "template_vmid"},
			{vmBody("vm01", "5090", 1, R"("storage_gb": 40)"), "storage_gb"},
			{vmBody("vm01", "5090", 1, R"("rental_type": "spot")"), "rental_type"},
			{vmBody("vm01", "5090", 1, R"("rental_type": "reserved")"), "reservation_months"},
			{vmBody("vm01", "5090", 1, R"("rental_type": "reserved", "reservation_months": 2)"), "reservation_months"},
			{vmBody("vm01", "5090", 1, R"("auth_method": "password", "password": "short")"), "password"},
			{vmBody("vm01", "5090", 1, R"("auth_method": "password")"), "password"},
			{vmBody("vm01", "5090", 1, R"("ssh_key_id": "00000000-0000-4000-8000-000000000000")"), "ssh_key_id"},
			{R"({"gpu_type": "5090", "gpu_count": 1, "storage_gb": 100, "template_vmid": 100})", "node"},
		};
		for (const Case& item : cases)
		{
			HttpResult result = _user->post("/vms", item.body);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(item.body, 422, result.status);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(item.body, item.field, failedField(result));
		}
		Poco::JSON::Array::Ptr vms = _user->get("/vms").jsonArray();
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), vms->size());
	}

	void noSshKeyBadRequest()
	{
		HttpResult result = _user->post("/vms", vmBody("vm01", "5090", 1));
		CPPUNIT_ASSERT_EQUAL(400, result.status);
		CPPUNIT_ASSERT(detail(result).find("No SSH key on file") != std::string::npos);
	}

	void notEnoughGpusConflict()
	{
		_user->addSshKey();
		HttpResult tooMany = _user->post("/vms", vmBody("vm01", "4090", 4));
		CPPUNIT_ASSERT_EQUAL(409, tooMany.status);
		_user->createVm(vmBody("vm01", "4090", 2));
		HttpResult taken = _user->post("/vms", vmBody("vm01", "4090", 1));
		CPPUNIT_ASSERT_EQUAL(409, taken.status);
		CPPUNIT_ASSERT(detail(taken).find("node 'vm01' has 0 free GPUs of type '4090'") != std::string::npos);
	}

	void vmLimitForbidden()
	{
		ApiUser limited(*_server, "limited@example.com", 1);
		limited.addSshKey();
		limited.createVm(vmBody("vm02", "4090", 1));
		HttpResult second = limited.post("/vms", vmBody("vm02", "4090", 1));
		CPPUNIT_ASSERT_EQUAL(403, second.status);
		CPPUNIT_ASSERT(detail(second).find("VM limit reached") != std::string::npos);
	}

	void passwordAuthNotStored()
	{
		const std::string password = "a-secret-that-must-not-be-stored";
		std::string id = _user->createVm(vmBody("vm01", "5090", 1,
			R"("auth_method": "password", "password": ")" + password + "\""));
		_user->waitForStatus(id, "running");
		Poco::Data::Session session = _server->core().context().database.session();
		std::vector<std::string> payloads;
		session << "SELECT payload FROM jobs", Poco::Data::Keywords::into(payloads), Poco::Data::Keywords::now;
		CPPUNIT_ASSERT(!payloads.empty());
		for (const std::string& payload : payloads)
		{
			CPPUNIT_ASSERT(payload.find(password) == std::string::npos);
			CPPUNIT_ASSERT(payload.find("sealed_password") == std::string::npos);
		}
	}

	void idempotencyKeyReplays()
	{
		_user->addSshKey();
		std::string body = vmBody("vm01", "5090", 1);
		std::map<std::string, std::string> key = {{"Idempotency-Key", "create-1"}};
		HttpResult first = _user->post("/vms", body, key);
		CPPUNIT_ASSERT_EQUAL(201, first.status);
		HttpResult second = _user->post("/vms", body, key);
		CPPUNIT_ASSERT_EQUAL(201, second.status);
		CPPUNIT_ASSERT_EQUAL(first.json()->getValue<std::string>("id"), second.json()->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _user->get("/vms").jsonArray()->size());

		HttpResult changed = _user->post("/vms", vmBody("vm01", "5090", 2), key);
		CPPUNIT_ASSERT_EQUAL(409, changed.status);

		ApiUser other(*_server, "bob@example.com");
		other.addSshKey();
		HttpResult otherUser = other.post("/vms", body, key);
		CPPUNIT_ASSERT_EQUAL(201, otherUser.status);
		CPPUNIT_ASSERT(otherUser.json()->getValue<std::string>("id") != first.json()->getValue<std::string>("id"));
	}

	void listFiltersAndPages()
	{
		_user->addSshKey();
		std::vector<std::string> ids;
		for (int i = 0; i < 3; ++i)
			ids.push_back(_user->createVm(vmBody("vm02", "4090", 1)));
		_user->remove("/vms/" + ids[0]);

		HttpResult all = _user->get("/vms");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), all.jsonArray()->size());
		CPPUNIT_ASSERT_EQUAL(std::string("2"), all.header("x-total-count"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), _user->get("/vms?include_destroyed=true").jsonArray()->size());
		HttpResult destroyed = _user->get("/vms?status=destroyed");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), destroyed.jsonArray()->size());
		CPPUNIT_ASSERT_EQUAL(ids[0], destroyed.jsonArray()->getObject(0)->getValue<std::string>("id"));

		HttpResult page = _user->get("/vms?include_destroyed=true&limit=1&offset=1");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), page.jsonArray()->size());
		CPPUNIT_ASSERT_EQUAL(ids[1], page.jsonArray()->getObject(0)->getValue<std::string>("id"));
		CPPUNIT_ASSERT(page.header("link").find("rel=\"next\"") != std::string::npos);
		CPPUNIT_ASSERT(page.header("link").find("rel=\"prev\"") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(422, _user->get("/vms?status=sleeping").status);
		CPPUNIT_ASSERT_EQUAL(422, _user->get("/vms?limit=0").status);
	}

	void portalAuthorization()
	{
		_user->addSshKey();
		std::string webVm = _user->createVm(vmBody("vm01", "5090", 1, R"("template_vmid": 103)"));
		std::string baseVm = _user->createVm(vmBody("vm01", "5090", 1));
		_user->waitForStatus(webVm, "running");
		_user->waitForStatus(baseVm, "running");

		CPPUNIT_ASSERT_EQUAL(204, _user->get("/portal/authorize?vm_id=" + webVm + "&service=webui").status);
		CPPUNIT_ASSERT_EQUAL(204, _user->get("/portal/authorize?vm_id=" + webVm + "&service=jupyter").status);
		CPPUNIT_ASSERT_EQUAL(403, _user->get("/portal/authorize?vm_id=" + baseVm + "&service=webui").status);
		CPPUNIT_ASSERT_EQUAL(401, _server->client().get("/portal/authorize?vm_id=" + webVm + "&service=webui").status);
		ApiUser other(*_server, "bob@example.com");
		CPPUNIT_ASSERT_EQUAL(404, other.get("/portal/authorize?vm_id=" + webVm + "&service=webui").status);
		CPPUNIT_ASSERT_EQUAL(422, _user->get("/portal/authorize?service=webui").status);

		_user->post("/vms/" + webVm + "/stop", "");
		_user->waitForStatus(webVm, "stopped");
		CPPUNIT_ASSERT_EQUAL(403, _user->get("/portal/authorize?vm_id=" + webVm + "&service=webui").status);
	}

	void destroyWhileCreating()
	{
		_user->addSshKey();
		std::string id = _user->createVm(vmBody("vm01", "6000pro", 2));
		HttpResult destroyed = _user->remove("/vms/" + id);
		CPPUNIT_ASSERT_EQUAL(202, destroyed.status);
		CPPUNIT_ASSERT_EQUAL(std::string("destroyed"), destroyed.json()->getValue<std::string>("status"));
		CPPUNIT_ASSERT(eventually([&] { return allocationCount(*_server, id) == 0; }));
		// The GPUs are free again: a new VM gets both.
		std::string next = _user->createVm(vmBody("vm01", "6000pro", 2));
		_user->waitForStatus(next, "running");
		CPPUNIT_ASSERT_EQUAL(std::string("destroyed"), _user->get("/vms/" + id).json()->getValue<std::string>("status"));
	}

private:
	std::unique_ptr<TestServer> _server;
	std::unique_ptr<ApiUser> _user;
};

CPPUNIT_TEST_SUITE_REGISTRATION(VmLifecycleTest);
