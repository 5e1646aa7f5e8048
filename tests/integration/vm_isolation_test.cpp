#include <memory>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Array.h>

#include "support/vm_api_user.h"

using namespace gpucloud::testing;

class VmIsolationTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(VmIsolationTest);
	CPPUNIT_TEST(otherUsersVmNotFoundEverywhere);
	CPPUNIT_TEST(otherUsersKeyCannotBeUsed);
	CPPUNIT_TEST(unknownVmNotFound);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_server = std::make_unique<TestServer>("[vms]\njob_poll_interval_ms = 50\n");
		_alice = std::make_unique<ApiUser>(*_server, "alice@example.com");
		_bob = std::make_unique<ApiUser>(*_server, "bob@example.com");
	}

	void tearDown() override
	{
		_alice.reset();
		_bob.reset();
		_server.reset();
	}

	void otherUsersVmNotFoundEverywhere()
	{
		_alice->addSshKey();
		std::string id = _alice->createVm(vmBody("vm01", "5090", 1));
		_alice->waitForStatus(id, "running");
		std::string path = "/vms/" + id;

		CPPUNIT_ASSERT_EQUAL(404, _bob->get(path).status);
		CPPUNIT_ASSERT_EQUAL(404, _bob->patch(path, R"({"instance_label": "mine"})").status);
		for (const char* action : {"/start", "/stop", "/restart"})
			CPPUNIT_ASSERT_EQUAL_MESSAGE(action, 404, _bob->post(path + action, "").status);
		CPPUNIT_ASSERT_EQUAL(404, _bob->post(path + "/resize", R"({"storage_gb": 500})").status);
		CPPUNIT_ASSERT_EQUAL(404, _bob->remove(path).status);
		CPPUNIT_ASSERT_EQUAL(404, _bob->get("/portal/authorize?vm_id=" + id + "&service=ssh").status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _bob->get("/vms?include_destroyed=true").jsonArray()->size());

		Poco::JSON::Object::Ptr vm = _alice->get(path).json();
		CPPUNIT_ASSERT_EQUAL(std::string("running"), vm->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), vm->getValue<std::string>("instance_label"));
		CPPUNIT_ASSERT_EQUAL(100, vm->getValue<int>("storage_gb"));
	}

	void otherUsersKeyCannotBeUsed()
	{
		std::string key = _alice->addSshKey();
		HttpResult result = _bob->post("/vms", vmBody("vm01", "5090", 1, R"("ssh_key_id": ")" + key + "\""));
		CPPUNIT_ASSERT_EQUAL(422, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("ssh_key_id"), failedField(result));
	}

	void unknownVmNotFound()
	{
		CPPUNIT_ASSERT_EQUAL(404, _alice->get("/vms/00000000-0000-4000-8000-000000000000").status);
		CPPUNIT_ASSERT_EQUAL(404, _alice->remove("/vms/00000000-0000-4000-8000-000000000000").status);
	}

private:
	std::unique_ptr<TestServer> _server;
	std::unique_ptr<ApiUser> _alice;
	std::unique_ptr<ApiUser> _bob;
};

CPPUNIT_TEST_SUITE_REGISTRATION(VmIsolationTest);
