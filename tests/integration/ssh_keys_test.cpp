#include <memory>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Array.h>

#include "support/vm_api_user.h"

using namespace gpucloud::testing;

namespace
{

// Distinct ed25519 public keys generated with ssh-keygen.
std::string ed25519Key(int variant)
{
	const char* keys[] = {
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICO6V5Dy4UCejfxvYcpSSTXVks/gKEUQDgtG81e5QaiS",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIN4bH3iZZBZWPGhfT7BGmzu49YLBuzhymsbJjFKAAlET",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILCqQ6b+SrTlHqSNFmRV/8CvC4JOeSICMKiATF9sEUUD",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIG9xn+tNTu1CSQkKf/WQmkJSodXyKNfbD58tPNZ0rolf",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOBPWT9GgAeJI64coKSeUTfJJuX9R4ZFuw7QtbKfIfUY",
		"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAICVUjsnzszwAuOWunC3ccODLZMYtw/eyW145VTn+IMh3",
	};
	return keys[variant];
}

std::string keyBody(const std::string& key, const std::string& label = "")
{
	return R"({"ssh_public_key": ")" + key + "\"" + (label.empty() ? "" : R"(, "label": ")" + label + "\"") + "}";
}

} // namespace

class SshKeysTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SshKeysTest);
	CPPUNIT_TEST(addReturnsFingerprint);
	CPPUNIT_TEST(duplicateConflicts);
	CPPUNIT_TEST(invalidKeyRejected);
	CPPUNIT_TEST(sixthKeyForbidden);
	CPPUNIT_TEST(listGetDelete);
	CPPUNIT_TEST(otherUsersKeyNotFound);
	CPPUNIT_TEST(missingCredentialUnauthorized);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_server = std::make_unique<TestServer>();
	}

	void tearDown() override
	{
		_server.reset();
	}

	void addReturnsFingerprint()
	{
		ApiUser user(*_server, "alice@example.com");
		HttpResult result = user.post("/ssh-keys", keyBody(kTestSshKey, "laptop"));
		CPPUNIT_ASSERT_EQUAL(201, result.status);
		Poco::JSON::Object::Ptr key = result.json();
		CPPUNIT_ASSERT_EQUAL(std::string("laptop"), key->getValue<std::string>("label"));
		CPPUNIT_ASSERT_EQUAL(std::string("ssh-ed25519"), key->getValue<std::string>("key_type"));
		CPPUNIT_ASSERT_EQUAL(std::string("SHA256:fYbFoKHaTWe4LT4vjiKDZ0O/u0ueohx8X//qrgLaOB8"),
			key->getValue<std::string>("fingerprint"));
		CPPUNIT_ASSERT(key->has("created_at"));

		HttpResult unlabelled = user.post("/ssh-keys", keyBody(ed25519Key(0)));
		CPPUNIT_ASSERT_EQUAL(std::string("Default SSH Key"), unlabelled.json()->getValue<std::string>("label"));
	}

	void duplicateConflicts()
	{
		ApiUser user(*_server, "alice@example.com");
		user.addSshKey();
		HttpResult again = user.post("/ssh-keys", keyBody(std::string(kTestSshKey) + " other comment"));
		CPPUNIT_ASSERT_EQUAL(409, again.status);

		ApiUser other(*_server, "bob@example.com");
		CPPUNIT_ASSERT_EQUAL(201, other.post("/ssh-keys", keyBody(kTestSshKey)).status);
	}

	void invalidKeyRejected()
	{
		ApiUser user(*_server, "alice@example.com");
		for (const std::string& key : {std::string("ssh-ed25519 AAAA"), std::string("not a key"),
				 std::string("ssh-rsa AAAAC3NzaC1lZDI1NTE5AAAAII2kRnbN/zlsN6t4Qd2Jo83YXXmOQO6Qkffgr6aXKOa3")})
		{
			HttpResult result = user.post("/ssh-keys", keyBody(key));
			CPPUNIT_ASSERT_EQUAL_MESSAGE(key, 422, result.status);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(key, std::string("ssh_public_key"), failedField(result));
		}
		CPPUNIT_ASSERT_EQUAL(422, user.post("/ssh-keys", "{}").status);
	}

	void sixthKeyForbidden()
	{
		ApiUser user(*_server, "alice@example.com");
		for (int i = 0; i < 5; ++i)
			CPPUNIT_ASSERT_EQUAL(201, user.post("/ssh-keys", keyBody(ed25519Key(i))).status);
		HttpResult sixth = user.post("/ssh-keys", keyBody(ed25519Key(5)));
		CPPUNIT_ASSERT_EQUAL(403, sixth.status);
	}

	void listGetDelete()
	{
		ApiUser user(*_server, "alice@example.com");
		std::string id = user.addSshKey();
		HttpResult list = user.get("/ssh-keys");
		CPPUNIT_ASSERT_EQUAL(200, list.status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), list.jsonArray()->size());
		HttpResult one = user.get("/ssh-keys/" + id);
		CPPUNIT_ASSERT_EQUAL(200, one.status);
		CPPUNIT_ASSERT_EQUAL(id, one.json()->getValue<std::string>("id"));
		CPPUNIT_ASSERT_EQUAL(204, user.remove("/ssh-keys/" + id).status);
		CPPUNIT_ASSERT_EQUAL(404, user.get("/ssh-keys/" + id).status);
		CPPUNIT_ASSERT_EQUAL(404, user.remove("/ssh-keys/" + id).status);
	}

	void otherUsersKeyNotFound()
	{
		ApiUser alice(*_server, "alice@example.com");
		ApiUser bob(*_server, "bob@example.com");
		std::string id = alice.addSshKey();
		CPPUNIT_ASSERT_EQUAL(404, bob.get("/ssh-keys/" + id).status);
		CPPUNIT_ASSERT_EQUAL(404, bob.remove("/ssh-keys/" + id).status);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), bob.get("/ssh-keys").jsonArray()->size());
		CPPUNIT_ASSERT_EQUAL(200, alice.get("/ssh-keys/" + id).status);
	}

	void missingCredentialUnauthorized()
	{
		CPPUNIT_ASSERT_EQUAL(401, _server->client().get("/ssh-keys").status);
		CPPUNIT_ASSERT_EQUAL(401, _server->client().postJson("/ssh-keys", keyBody(kTestSshKey)).status);
	}

private:
	std::unique_ptr<TestServer> _server;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SshKeysTest);
