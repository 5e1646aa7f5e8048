#include <cppunit/extensions/HelperMacros.h>

#include "config/config_error.h"
#include "support/auth_helpers.h"
#include "support/test_server.h"

using namespace gpucloud;
using namespace Poco::Data::Keywords;
using testing::HttpResult;

namespace
{

const char* const kPassword = "correct horse battery staple";

/// Registers a user, makes it an administrator in the database, and returns a client with its access token.
testing::HttpClient adminClient(testing::TestServer& server, const std::string& email, Poco::Int64& userId)
{
	testing::HttpClient client = server.client();
	testing::registerAndLogin(client, email, kPassword);
	std::string address = email;
	server.core().context().database.session() << "UPDATE users SET is_admin = 1 WHERE email = $1", use(address), now;
	server.core().context().database.session() << "SELECT id FROM users WHERE email = $1", use(address), into(userId),
		now;
	HttpResult again = client.postJson("/auth/login", testing::credentialsJson(email, kPassword));
	client.setBearer(again.json()->getValue<std::string>("access_token"));
	return client;
}

} // namespace

/// The billing module as the server installs it, reached with a real login token.
class BillingServerTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(BillingServerTest);
	CPPUNIT_TEST(creditShowsInBalance);
	CPPUNIT_TEST(unknownBillingKeyStopsStart);
	CPPUNIT_TEST_SUITE_END();

public:
	void creditShowsInBalance()
	{
		testing::TestServer server("[billing]\nmeter_interval = 3600\n");
		Poco::Int64 adminId = 0;
		testing::HttpClient admin = adminClient(server, "admin@example.com", adminId);

		HttpResult empty = admin.get("/billing/balance");
		CPPUNIT_ASSERT_EQUAL(200, empty.status);
		CPPUNIT_ASSERT_EQUAL(0.0, empty.json()->getValue<double>("balance"));

		HttpResult credited = admin.postJson("/admin/users/" + std::to_string(adminId) + "/credits",
			R"({"amount": 25.5, "description": "Welcome credit"})");
		CPPUNIT_ASSERT_EQUAL(201, credited.status);

		CPPUNIT_ASSERT_EQUAL(25.5, admin.get("/billing/balance").json()->getValue<double>("balance"));
		HttpResult transactions = admin.get("/billing/transactions");
		CPPUNIT_ASSERT_EQUAL(std::string("1"), transactions.header("x-total-count"));
		CPPUNIT_ASSERT_EQUAL(std::string("Welcome credit"),
			transactions.jsonArray()->getObject(0)->getValue<std::string>("description"));
	}

	void unknownBillingKeyStopsStart()
	{
		CPPUNIT_ASSERT_THROW(testing::TestServer("[billing]\nmeter_intervall = 60\n"), config::ConfigError);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(BillingServerTest);
