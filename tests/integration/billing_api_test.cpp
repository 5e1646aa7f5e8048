#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Array.h>

#include "billing/billing_routes.h"
#include "billing/meter.h"
#include "http/api_error.h"
#include "http/dispatcher.h"
#include "http/http_server.h"
#include "support/billing_fixture.h"
#include "support/http_client.h"
#include "support/manual_clock.h"

using namespace gpucloud;
using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using testing::HttpResult;

namespace
{

// 2023-11-14T22:13:20Z
constexpr std::int64_t kNow = 1700000000;

/// Accepts "user-<id>" (a login token), "admin-<id>" (an administrator's login token) and "key-<scope>-<id>" (an
/// API key with one scope), so that these tests need no accounts module.
class TokenAuthenticator : public auth::Authenticator
{
public:
	auth::Principal authenticate(const std::string& credential) override
	{
		auth::Principal principal;
		std::size_t dash = credential.rfind('-');
		if (dash == std::string::npos)
			throw http::unauthorized("Invalid credential");
		principal.userId = std::stoll(credential.substr(dash + 1));
		std::string kind = credential.substr(0, dash);
		if (kind == "admin")
			principal.isAdmin = true;
		else if (kind.rfind("key-", 0) == 0)
		{
			principal.viaApiKey = true;
			principal.scopes = {kind.substr(4)};
		}
		else if (kind != "user")
			throw http::unauthorized("Invalid credential");
		return principal;
	}
};

/// The billing routes behind the real dispatcher and HTTP server on a loopback port, on a fresh database.
class BillingApi
{
public:
	BillingApi() : clock(std::make_shared<testing::ManualClock>(kNow))
	{
		accounts = std::make_shared<billing::BillingAccounts>(fixture.database(), fixture.store(), clock);
		billing::registerBillingRoutes(router, accounts);
		auto dispatcher = std::make_shared<http::Dispatcher>(router, std::make_shared<TokenAuthenticator>(), nullptr);
		http::HttpServerSettings settings;
		settings.port = 0;
		server = std::make_unique<http::HttpServer>(settings, dispatcher);
		server->start();
	}

	~BillingApi() { server->stop(1000); }

	testing::HttpClient client(const std::string& token)
	{
		testing::HttpClient client(server->port());
		client.setBearer(token);
		return client;
	}

	testing::BillingFixture fixture;
	std::shared_ptr<testing::ManualClock> clock;
	std::shared_ptr<billing::BillingAccounts> accounts;
	http::Router router;
	std::unique_ptr<http::HttpServer> server;
};

std::vector<std::string> keys(const Poco::JSON::Object::Ptr& object)
{
	std::vector<std::string> names;
	object->getNames(names);
	std::sort(names.begin(), names.end());
	return names;
}

std::vector<std::string> sorted(std::vector<std::string> names)
{
	std::sort(names.begin(), names.end());
	return names;
}

std::string errorLocation(const HttpResult& result)
{
	Poco::JSON::Array::Ptr location = result.json()->getArray("detail")->getObject(0)->getArray("loc");
	return location->getElement<std::string>(0) + "." + location->getElement<std::string>(1);
}

} // namespace

class BillingApiTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(BillingApiTest);
	CPPUNIT_TEST(balanceShape);
	CPPUNIT_TEST(balanceNeedsCredential);
	CPPUNIT_TEST(billingScopesMayRead);
	CPPUNIT_TEST(transactionsShapeAndPages);
	CPPUNIT_TEST(transactionsBadLimit);
	CPPUNIT_TEST(usageShape);
	CPPUNIT_TEST(usageDefaultsToThirtyDays);
	CPPUNIT_TEST(usageRejectsBadDates);
	CPPUNIT_TEST(currentSpendShape);
	CPPUNIT_TEST(creditAddsToBalance);
	CPPUNIT_TEST(creditRefundAudited);
	CPPUNIT_TEST(creditRejectsBadAmounts);
	CPPUNIT_TEST(creditUnknownUser);
	CPPUNIT_TEST(creditNeedsAdmin);
	CPPUNIT_TEST_SUITE_END();

public:
	void balanceShape()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser(12345678);
		HttpResult result = api.client("user-" + std::to_string(user)).get("/billing/balance");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		Poco::JSON::Object::Ptr body = result.json();
		CPPUNIT_ASSERT(keys(body) == sorted({"balance", "currency"}));
		CPPUNIT_ASSERT_EQUAL(12.35, body->getValue<double>("balance"));
		CPPUNIT_ASSERT_EQUAL(std::string("USD"), body->getValue<std::string>("currency"));
	}

	void balanceNeedsCredential()
	{
		BillingApi api;
		HttpResult result = api.client("").get("/billing/balance");
		CPPUNIT_ASSERT_EQUAL(401, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), result.header("www-authenticate"));
	}

	void billingScopesMayRead()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser(1000000);
		std::string id = std::to_string(user);
		CPPUNIT_ASSERT_EQUAL(200, api.client("key-billing_only-" + id).get("/billing/transactions").status);
		CPPUNIT_ASSERT_EQUAL(200, api.client("key-read_only-" + id).get("/billing/current-spend").status);
	}

	void transactionsShapeAndPages()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser(1000000);
		api.accounts->credit({user, 2000000, billing::kEntryCredit, "Second", std::nullopt, "cli"});
		api.accounts->credit({user, 3000000, billing::kEntryRefund, "Third", std::nullopt, "cli"});

		HttpResult result = api.client("user-" + std::to_string(user)).get("/billing/transactions?limit=2");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("3"), result.header("x-total-count"));
		CPPUNIT_ASSERT(result.header("link").find("rel=\"next\"") != std::string::npos);
		Poco::JSON::Array::Ptr rows = result.jsonArray();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), rows->size());
		Poco::JSON::Object::Ptr newest = rows->getObject(0);
		CPPUNIT_ASSERT(keys(newest)
			== sorted({"id", "type", "amount", "balance_after", "description", "breakdown", "created_at"}));
		CPPUNIT_ASSERT_EQUAL(std::string("refund"), newest->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(3.0, newest->getValue<double>("amount"));
		CPPUNIT_ASSERT_EQUAL(6.0, newest->getValue<double>("balance_after"));
		CPPUNIT_ASSERT_EQUAL(std::string("Third"), newest->getValue<std::string>("description"));
		CPPUNIT_ASSERT(!newest->getObject("breakdown").isNull());
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T22:13:20Z"), newest->getValue<std::string>("created_at"));
		CPPUNIT_ASSERT_EQUAL(std::string("Second"), rows->getObject(1)->getValue<std::string>("description"));
	}

	void transactionsBadLimit()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser();
		HttpResult result = api.client("user-" + std::to_string(user)).get("/billing/transactions?limit=101");
		CPPUNIT_ASSERT_EQUAL(422, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("query.limit"), errorLocation(result));
	}

	void usageShape()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser(100000000);
		testing::TestVm spec;
		spec.createdAt = kNow - 7200;
		std::string vm = api.fixture.addVm(user, spec);
		billing::Meter meter(api.fixture.database(), api.fixture.store(), nullptr, nullptr, {});
		// Two hours of the VM's life, so two usage rows; the second hour is charged in two passes.
		meter.charge(kNow - 3600);
		meter.charge(kNow - 1800);
		meter.charge(kNow);

		HttpResult result = api.client("user-" + std::to_string(user))
								.get("/billing/usage?start_date=2023-11-14&end_date=2023-11-14&limit=1");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("2"), result.header("x-total-count"));
		Poco::JSON::Object::Ptr body = result.json();
		CPPUNIT_ASSERT(keys(body)
			== sorted({"logs", "total_cost", "total_hours", "period_start", "period_end", "vm_breakdown"}));
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T00:00:00Z"), body->getValue<std::string>("period_start"));
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T23:59:59Z"), body->getValue<std::string>("period_end"));
		CPPUNIT_ASSERT_EQUAL(1.02, body->getValue<double>("total_cost"));
		CPPUNIT_ASSERT_EQUAL(2.0, body->getValue<double>("total_hours"));

		Poco::JSON::Array::Ptr logs = body->getArray("logs");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), logs->size());
		Poco::JSON::Object::Ptr log = logs->getObject(0);
		CPPUNIT_ASSERT(keys(log) == sorted({"id", "vm_id", "timestamp", "gpu_seconds", "storage_gb", "network_bytes",
										"gpu_cost", "storage_cost", "network_cost", "total_cost"}));
		CPPUNIT_ASSERT_EQUAL(vm, log->getValue<std::string>("vm_id"));
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T21:13:20Z"), log->getValue<std::string>("timestamp"));
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(3600), log->getValue<Poco::Int64>("gpu_seconds"));
		CPPUNIT_ASSERT_EQUAL(100, log->getValue<int>("storage_gb"));
		CPPUNIT_ASSERT_EQUAL(0.5, log->getValue<double>("gpu_cost"));

		Poco::JSON::Array::Ptr breakdown = body->getArray("vm_breakdown");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), breakdown->size());
		Poco::JSON::Object::Ptr row = breakdown->getObject(0);
		CPPUNIT_ASSERT(keys(row) == sorted({"vm_id", "vmid", "gpu_model", "hours", "cost"}));
		CPPUNIT_ASSERT_EQUAL(std::string("4090"), row->getValue<std::string>("gpu_model"));
		CPPUNIT_ASSERT_EQUAL(2.0, row->getValue<double>("hours"));
		CPPUNIT_ASSERT_EQUAL(1.02, row->getValue<double>("cost"));
	}

	void usageDefaultsToThirtyDays()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser();
		HttpResult result = api.client("user-" + std::to_string(user)).get("/billing/usage");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("2023-10-16T00:00:00Z"), result.json()->getValue<std::string>("period_start"));
		CPPUNIT_ASSERT_EQUAL(std::string("2023-11-14T23:59:59Z"), result.json()->getValue<std::string>("period_end"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), result.json()->getArray("logs")->size());
	}

	void usageRejectsBadDates()
	{
		BillingApi api;
		testing::HttpClient client = api.client("user-" + std::to_string(api.fixture.addUser()));
		HttpResult badFormat = client.get("/billing/usage?start_date=2023-11-31");
		CPPUNIT_ASSERT_EQUAL(422, badFormat.status);
		CPPUNIT_ASSERT_EQUAL(std::string("query.start_date"), errorLocation(badFormat));
		HttpResult backwards = client.get("/billing/usage?start_date=2023-11-14&end_date=2023-11-13");
		CPPUNIT_ASSERT_EQUAL(422, backwards.status);
		HttpResult tooLong = client.get("/billing/usage?start_date=2022-11-13&end_date=2023-11-14");
		CPPUNIT_ASSERT_EQUAL(422, tooLong.status);
		HttpResult longest = client.get("/billing/usage?start_date=2022-11-14&end_date=2023-11-14");
		CPPUNIT_ASSERT_EQUAL(200, longest.status);
	}

	void currentSpendShape()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser(100000000);
		testing::TestVm running;
		running.gpuCount = 2;
		running.createdAt = kNow - 60;
		std::string vm = api.fixture.addVm(user, running);
		testing::TestVm stopped = running;
		stopped.status = "stopped";
		stopped.createdAt = kNow - 30;
		api.fixture.addVm(user, stopped);

		HttpResult result = api.client("user-" + std::to_string(user)).get("/billing/current-spend");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		Poco::JSON::Object::Ptr body = result.json();
		CPPUNIT_ASSERT(keys(body) == sorted({"total_per_hour", "total_per_day", "total_per_month", "hourly_rate",
										 "running_vms", "vms", "last_updated"}));
		CPPUNIT_ASSERT_EQUAL(1.02, body->getValue<double>("total_per_hour"));
		CPPUNIT_ASSERT_EQUAL(24.48, body->getValue<double>("total_per_day"));
		CPPUNIT_ASSERT_EQUAL(734.4, body->getValue<double>("total_per_month"));
		CPPUNIT_ASSERT_EQUAL(1, body->getValue<int>("running_vms"));
		Poco::JSON::Array::Ptr vms = body->getArray("vms");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), vms->size());
		Poco::JSON::Object::Ptr first = vms->getObject(0);
		CPPUNIT_ASSERT(keys(first) == sorted({"vm_id", "vmid", "gpu_type", "gpu_count", "storage_gb",
										  "gpu_cost_per_hour", "storage_cost_per_hour", "network_cost_per_hour",
										  "total_cost_per_hour"}));
		CPPUNIT_ASSERT_EQUAL(vm, first->getValue<std::string>("vm_id"));
		CPPUNIT_ASSERT_EQUAL(1.0, first->getValue<double>("gpu_cost_per_hour"));
		CPPUNIT_ASSERT_EQUAL(0.01, first->getValue<double>("storage_cost_per_hour"));
		CPPUNIT_ASSERT_EQUAL(0.0, vms->getObject(1)->getValue<double>("gpu_cost_per_hour"));
	}

	void creditAddsToBalance()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser(1000000);
		std::int64_t admin = api.fixture.addUser();
		HttpResult result = api.client("admin-" + std::to_string(admin))
								.postJson("/admin/users/" + std::to_string(user) + "/credits",
									R"({"amount": 10.1, "description": "Invoice 42"})");
		CPPUNIT_ASSERT_EQUAL(201, result.status);
		Poco::JSON::Object::Ptr body = result.json();
		CPPUNIT_ASSERT_EQUAL(std::string("credit"), body->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(10.1, body->getValue<double>("amount"));
		CPPUNIT_ASSERT_EQUAL(11.1, body->getValue<double>("balance_after"));
		CPPUNIT_ASSERT_EQUAL(user, body->getValue<Poco::Int64>("user_id"));
		CPPUNIT_ASSERT_EQUAL(util::Micros(11100000), api.fixture.balance(user));
		CPPUNIT_ASSERT_EQUAL(std::string(), api.fixture.ledgerInconsistency(user));
	}

	void creditRefundAudited()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser();
		std::int64_t admin = api.fixture.addUser();
		HttpResult result = api.client("admin-" + std::to_string(admin))
								.postJson("/admin/users/" + std::to_string(user) + "/credits",
									R"({"amount": "0.000001", "description": "Rounding", "type": "refund"})");
		CPPUNIT_ASSERT_EQUAL(201, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("refund"), result.json()->getValue<std::string>("type"));
		CPPUNIT_ASSERT_EQUAL(util::Micros(1), api.fixture.balance(user));

		std::string action, target, outcome;
		Poco::Int64 actor = 0;
		api.fixture.database().session() << "SELECT action, target, outcome, actor_user_id FROM audit_log", into(action),
			into(target), into(outcome), into(actor), now;
		CPPUNIT_ASSERT_EQUAL(std::string("billing.refund"), action);
		CPPUNIT_ASSERT_EQUAL("user:" + std::to_string(user), target);
		CPPUNIT_ASSERT_EQUAL(std::string("success"), outcome);
		CPPUNIT_ASSERT_EQUAL(admin, actor);
	}

	void creditRejectsBadAmounts()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser();
		testing::HttpClient client = api.client("admin-" + std::to_string(api.fixture.addUser()));
		std::string path = "/admin/users/" + std::to_string(user) + "/credits";
		for (const char* body : {R"({"amount": 1.0000001, "description": "x"})", R"({"amount": -5, "description": "x"})",
				 R"({"amount": 0, "description": "x"})", R"({"amount": "ten", "description": "x"})",
				 R"({"description": "x"})"})
		{
			HttpResult result = client.postJson(path, body);
			CPPUNIT_ASSERT_EQUAL(422, result.status);
			CPPUNIT_ASSERT_EQUAL(std::string("body.amount"), errorLocation(result));
		}
		HttpResult badType = client.postJson(path, R"({"amount": 1, "description": "x", "type": "debit"})");
		CPPUNIT_ASSERT_EQUAL(422, badType.status);
		CPPUNIT_ASSERT_EQUAL(std::string("body.type"), errorLocation(badType));
		HttpResult noDescription = client.postJson(path, R"({"amount": 1})");
		CPPUNIT_ASSERT_EQUAL(422, noDescription.status);
		CPPUNIT_ASSERT_EQUAL(util::Micros(0), api.fixture.balance(user));
	}

	void creditUnknownUser()
	{
		BillingApi api;
		HttpResult result = api.client("admin-" + std::to_string(api.fixture.addUser()))
								.postJson("/admin/users/999/credits", R"({"amount": 1, "description": "x"})");
		CPPUNIT_ASSERT_EQUAL(404, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("User 999 not found"), result.json()->getValue<std::string>("detail"));
	}

	void creditNeedsAdmin()
	{
		BillingApi api;
		std::int64_t user = api.fixture.addUser();
		std::string path = "/admin/users/" + std::to_string(user) + "/credits";
		std::string body = R"({"amount": 1, "description": "x"})";
		CPPUNIT_ASSERT_EQUAL(403, api.client("user-" + std::to_string(user)).postJson(path, body).status);
		CPPUNIT_ASSERT_EQUAL(401, api.client("").postJson(path, body).status);
		CPPUNIT_ASSERT_EQUAL(util::Micros(0), api.fixture.balance(user));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(BillingApiTest);
