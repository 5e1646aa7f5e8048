#include <cppunit/extensions/HelperMacros.h>

#include "postgres_fixture.h"
#include "support/test_server.h"
#include "support/vm_api_user.h"

using namespace gpucloud;
using testing::ApiUser;
using testing::HttpResult;

/// The product's main flows on PostgreSQL: accounts, catalogue, VMs and billing run the same SQL as on SQLite.
class PostgresFlowTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PostgresFlowTest);
	CPPUNIT_TEST(vmLifecycleOnPostgres);
	CPPUNIT_TEST(apiKeyAndBillingOnPostgres);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override { testing::resetPostgres(); }

	void vmLifecycleOnPostgres()
	{
		testing::TestServer server(databaseSection());
		ApiUser user(server, "pg-vm@example.com");
		user.addSshKey();
		std::string id = user.createVm(testing::vmBody("vm01", "5090", 1));
		Poco::JSON::Object::Ptr running = user.waitForStatus(id, "running");
		CPPUNIT_ASSERT_EQUAL(std::string("running"), running->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(1L, static_cast<long>(testing::allocationCount(server, id)));

		CPPUNIT_ASSERT_EQUAL(202, user.post("/vms/" + id + "/stop", "{}").status);
		user.waitForStatus(id, "stopped");
		CPPUNIT_ASSERT_EQUAL(0L, static_cast<long>(testing::allocationCount(server, id)));
		CPPUNIT_ASSERT_EQUAL(202, user.post("/vms/" + id + "/start", "{}").status);
		user.waitForStatus(id, "running");

		HttpResult list = user.get("/vms");
		CPPUNIT_ASSERT_EQUAL(200, list.status);
		CPPUNIT_ASSERT_EQUAL(std::string("1"), list.header("X-Total-Count"));

		CPPUNIT_ASSERT_EQUAL(202, user.remove("/vms/" + id).status);
		user.waitForStatus(id, "destroyed");
		CPPUNIT_ASSERT(testing::eventually([&] { return testing::allocationCount(server, id) == 0; }));
	}

	void apiKeyAndBillingOnPostgres()
	{
		testing::TestServer server(databaseSection());
		ApiUser user(server, "pg-billing@example.com");

		HttpResult key = user.post("/auth/api-key", R"({"name": "ci", "scopes": ["read_only"]})");
		CPPUNIT_ASSERT_EQUAL_MESSAGE(key.body, 200, key.status);
		testing::HttpClient keyClient = server.client();
		keyClient.setBearer(key.json()->getValue<std::string>("api_key"));
		CPPUNIT_ASSERT_EQUAL(200, keyClient.get("/auth/me").status);
		CPPUNIT_ASSERT_EQUAL(403, keyClient.postJson("/ssh-keys", "{}").status);

		HttpResult balance = user.get("/billing/balance");
		CPPUNIT_ASSERT_EQUAL(200, balance.status);
		CPPUNIT_ASSERT_EQUAL(10000.0, balance.json()->getValue<double>("balance"));
		HttpResult transactions = user.get("/billing/transactions");
		CPPUNIT_ASSERT_EQUAL(200, transactions.status);
		CPPUNIT_ASSERT_EQUAL(std::string("1"), transactions.header("X-Total-Count"));
		CPPUNIT_ASSERT_EQUAL(200, user.get("/billing/usage").status);
		CPPUNIT_ASSERT_EQUAL(200, user.get("/billing/current-spend").status);
		CPPUNIT_ASSERT_EQUAL(200, server.client().get("/search?gpu_type=5090").status);
	}

private:
	static std::string databaseSection()
	{
		return "[database]\ndriver = postgresql\nconnection = " + testing::postgresConnection() + "\n";
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresFlowTest);
