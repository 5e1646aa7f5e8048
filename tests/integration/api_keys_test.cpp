#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Data/Session.h>

#include "support/auth_helpers.h"
#include "support/test_server.h"

using namespace gpucloud;
using namespace gpucloud::testing;
using Poco::Data::Keywords::now;

namespace
{

const std::string kPassword = "correct horse battery";

/// Adds one probe route per permission kind, so that the scope of each kind is checked through real HTTP.
void addProbeRoutes(http::Router& router)
{
	auto ok = [](http::Request&) { return http::Response::noContent(); };
	router.add("GET", "/probe/read", ok, {auth::Permission::Read});
	router.add("POST", "/probe/write", ok, {auth::Permission::Write});
	router.add("GET", "/probe/billing", ok, {auth::Permission::BillingRead});
	router.add("POST", "/probe/billing", ok, {auth::Permission::BillingWrite});
	router.add("GET", "/probe/admin", ok, {auth::Permission::Admin});
}

} // namespace

class ApiKeysTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ApiKeysTest);
	CPPUNIT_TEST(createAndList);
	CPPUNIT_TEST(scopeMatrix);
	CPPUNIT_TEST(keyManagementNeedsReadWrite);
	CPPUNIT_TEST(revokedKey);
	CPPUNIT_TEST(expiredKey);
	CPPUNIT_TEST(suspendedUserKey);
	CPPUNIT_TEST(otherUsersKey);
	CPPUNIT_TEST(keyLimit);
	CPPUNIT_TEST(validation);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_server = std::make_unique<TestServer>("",
			iniWith("auth", "max_api_keys = 6\napi_key_cache_ttl = 0"));
		// Routes are normally added before start; no request is in flight yet, so adding them here is safe.
		addProbeRoutes(_server->core().context().router);
		_client = std::make_unique<HttpClient>(_server->client());
		_client->setBearer(registerAndLogin(*_client, "keys@example.com", kPassword)->getValue<std::string>("access_token"));
	}

	void tearDown() override
	{
		_client.reset();
		_server.reset();
	}

	void createAndList()
	{
		HttpResult created = _client->postJson("/auth/api-key", "{\"name\":\"CI\",\"scopes\":[\"read_only\"]}");
		CPPUNIT_ASSERT_EQUAL(200, created.status);
		Poco::JSON::Object::Ptr key = created.json();
		std::string secret = key->getValue<std::string>("api_key");
		CPPUNIT_ASSERT_EQUAL(0, secret.compare(0, 8, "nv_live_"));
		CPPUNIT_ASSERT(secret.size() >= 8 + 32);
		CPPUNIT_ASSERT_EQUAL(std::string("CI"), key->getValue<std::string>("name"));
		CPPUNIT_ASSERT(key->isNull("expires_at"));

		CPPUNIT_ASSERT_EQUAL(200, HttpClient(_server->port()).get("/auth/me", {{"Authorization", "Bearer " + secret}}).status);

		HttpResult listed = _client->get("/api-keys");
		CPPUNIT_ASSERT_EQUAL(200, listed.status);
		Poco::JSON::Object::Ptr entry = listed.jsonArray()->getObject(0);
		CPPUNIT_ASSERT_EQUAL(key->getValue<std::string>("id"), entry->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(secret.substr(0, 12), entry->getValue<std::string>("prefix"));
		CPPUNIT_ASSERT(!entry->has("api_key"));
		CPPUNIT_ASSERT(!entry->isNull("last_used_at"));
		CPPUNIT_ASSERT(listed.body.find(secret) == std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("1"), listed.header("X-Total-Count"));
	}

	void scopeMatrix()
	{
		struct Case
		{
			const char* scope;
			int read, write, billingRead, billingWrite, admin;
		};
		const Case cases[] = {
			{"read_write", 204, 204, 204, 204, 403},
			{"read_only", 204, 403, 204, 403, 403},
			{"billing_only", 403, 403, 204, 204, 403},
		};
		for (const Case& c : cases)
		{
			HttpClient keyClient(_server->port());
			keyClient.setBearer(createKey(std::string("[\"") + c.scope + "\"]"));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.scope, 200, keyClient.get("/auth/me").status);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.scope, c.read, keyClient.get("/probe/read").status);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.scope, c.write, keyClient.postJson("/probe/write", "").status);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.scope, c.billingRead, keyClient.get("/probe/billing").status);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.scope, c.billingWrite, keyClient.postJson("/probe/billing", "").status);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.scope, c.admin, keyClient.get("/probe/admin").status);
		}
		HttpResult denied = HttpClient(_server->port()).postJson("/probe/write", "",
			{{"Authorization", "Bearer " + createKey("[\"read_only\"]")}});
		CPPUNIT_ASSERT(denied.json()->getValue<std::string>("detail").find("read_write") != std::string::npos);
	}

	void keyManagementNeedsReadWrite()
	{
		HttpClient readOnly(_server->port());
		readOnly.setBearer(createKey("[\"read_only\"]"));
		CPPUNIT_ASSERT_EQUAL(403, readOnly.postJson("/auth/api-key", "{}").status);
		CPPUNIT_ASSERT_EQUAL(403, readOnly.get("/api-keys").status);

		HttpClient readWrite(_server->port());
		readWrite.setBearer(createKey("[\"read_write\"]"));
		HttpResult created = readWrite.postJson("/auth/api-key", "{}");
		CPPUNIT_ASSERT_EQUAL(200, created.status);
		CPPUNIT_ASSERT_EQUAL(204, readWrite.request("DELETE", "/api-keys/" + created.json()->getValue<std::string>("id")).status);
	}

	void revokedKey()
	{
		HttpResult created = _client->postJson("/auth/api-key", "{}");
		std::string secret = created.json()->getValue<std::string>("api_key");
		std::string id = created.json()->getValue<std::string>("id");
		HttpClient keyClient(_server->port());
		keyClient.setBearer(secret);
		CPPUNIT_ASSERT_EQUAL(200, keyClient.get("/auth/me").status);

		CPPUNIT_ASSERT_EQUAL(204, _client->request("DELETE", "/api-keys/" + id).status);
		CPPUNIT_ASSERT_EQUAL(401, keyClient.get("/auth/me").status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), _client->get("/api-keys").jsonArray()->size());
		Poco::JSON::Array::Ptr all = _client->get("/api-keys?include_revoked=true").jsonArray();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), all->size());
		CPPUNIT_ASSERT(all->getObject(0)->getValue<bool>("is_revoked"));
	}

	void expiredKey()
	{
		HttpResult created = _client->postJson("/auth/api-key", "{\"expires_in_days\":1}");
		CPPUNIT_ASSERT(!created.json()->isNull("expires_at"));
		std::string secret = created.json()->getValue<std::string>("api_key");
		{
			Poco::Data::Session session = _server->core().context().database.session();
			session << "UPDATE api_keys SET expires_at = 1000", now;
		}
		CPPUNIT_ASSERT_EQUAL(401, HttpClient(_server->port()).get("/auth/me", {{"Authorization", "Bearer " + secret}}).status);
	}

	void suspendedUserKey()
	{
		std::string secret = createKey("[\"read_write\"]");
		{
			Poco::Data::Session session = _server->core().context().database.session();
			session << "UPDATE users SET status = 'suspended'", now;
		}
		CPPUNIT_ASSERT_EQUAL(401, HttpClient(_server->port()).get("/auth/me", {{"Authorization", "Bearer " + secret}}).status);
	}

	void otherUsersKey()
	{
		std::string id = _client->postJson("/auth/api-key", "{}").json()->getValue<std::string>("id");
		HttpClient other(_server->port());
		other.setBearer(registerAndLogin(other, "other@example.com", kPassword)->getValue<std::string>("access_token"));
		CPPUNIT_ASSERT_EQUAL(404, other.request("DELETE", "/api-keys/" + id).status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), other.get("/api-keys").jsonArray()->size());
		CPPUNIT_ASSERT_EQUAL(404, other.request("DELETE", "/api-keys/00000000-0000-4000-8000-000000000000").status);
	}

	void keyLimit()
	{
		for (int i = 0; i < 6; ++i)
			CPPUNIT_ASSERT_EQUAL(200, _client->postJson("/auth/api-key", "{}").status);
		CPPUNIT_ASSERT_EQUAL(403, _client->postJson("/auth/api-key", "{}").status);
		std::string id = _client->get("/api-keys").jsonArray()->getObject(0)->getValue<std::string>("id");
		CPPUNIT_ASSERT_EQUAL(204, _client->request("DELETE", "/api-keys/" + id).status);
		CPPUNIT_ASSERT_EQUAL(200, _client->postJson("/auth/api-key", "{}").status);
	}

	void validation()
	{
		CPPUNIT_ASSERT_EQUAL(422, _client->postJson("/auth/api-key", "{\"scopes\":[\"admin\"]}").status);
		CPPUNIT_ASSERT_EQUAL(422, _client->postJson("/auth/api-key", "{\"scopes\":[]}").status);
		CPPUNIT_ASSERT_EQUAL(422, _client->postJson("/auth/api-key", "{\"name\":\"" + std::string(101, 'n') + "\"}").status);
		CPPUNIT_ASSERT_EQUAL(422, _client->postJson("/auth/api-key", "{\"expires_in_days\":0}").status);
		CPPUNIT_ASSERT_EQUAL(422, _client->get("/api-keys?include_revoked=maybe").status);
	}

private:
	std::string createKey(const std::string& scopesJson)
	{
		HttpResult created = _client->postJson("/auth/api-key", "{\"scopes\":" + scopesJson + "}");
		CPPUNIT_ASSERT_EQUAL(200, created.status);
		return created.json()->getValue<std::string>("api_key");
	}

	std::unique_ptr<TestServer> _server;
	std::unique_ptr<HttpClient> _client;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ApiKeysTest);
