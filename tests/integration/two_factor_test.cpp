#include <cppunit/extensions/HelperMacros.h>

#include "auth/totp.h"
#include "db/database.h"
#include "support/auth_helpers.h"
#include "support/test_server.h"

using namespace gpucloud;
using namespace gpucloud::testing;
namespace totp = gpucloud::providers::auth::totp;

namespace
{

const std::string kPassword = "correct horse battery";

std::string codeBody(const std::string& code)
{
	return "{\"totp_code\":\"" + code + "\"}";
}

/// The code of the current time step plus `offset`, computed from the secret as an authenticator app does.
std::string codeAt(const std::string& secret, std::int64_t offset)
{
	return totp::code(totp::decodeBase32(secret), totp::stepAt(db::unixNow()) + offset);
}

} // namespace

class TwoFactorTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TwoFactorTest);
	CPPUNIT_TEST(fullFlow);
	CPPUNIT_TEST(enableRequiresSetup);
	CPPUNIT_TEST(enableWrongCode);
	CPPUNIT_TEST(disableWhenOff);
	CPPUNIT_TEST(challengeIsNotAccessToken);
	CPPUNIT_TEST(invalidChallenge);
	CPPUNIT_TEST(challengeSingleUse);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_server = std::make_unique<TestServer>();
		_client = std::make_unique<HttpClient>(_server->client());
		Poco::JSON::Object::Ptr login = registerAndLogin(*_client, "totp@example.com", kPassword);
		_client->setBearer(login->getValue<std::string>("access_token"));
	}

	void tearDown() override
	{
		_client.reset();
		_server.reset();
	}

	void fullFlow()
	{
		HttpResult setup = _client->postJson("/auth/2fa/setup", "");
		CPPUNIT_ASSERT_EQUAL(200, setup.status);
		std::string secret = setup.json()->getValue<std::string>("secret");
		CPPUNIT_ASSERT_EQUAL(0, setup.json()->getValue<std::string>("otpauth_uri").compare(0, 15, "otpauth://totp/"));

		HttpResult enabled = _client->postJson("/auth/2fa/enable", codeBody(codeAt(secret, 0)));
		CPPUNIT_ASSERT_EQUAL(200, enabled.status);
		Poco::JSON::Array::Ptr backupCodes = enabled.json()->getArray("backup_codes");
		CPPUNIT_ASSERT_EQUAL(std::size_t(10), backupCodes->size());
		CPPUNIT_ASSERT_EQUAL(409, _client->postJson("/auth/2fa/enable", codeBody(codeAt(secret, 1))).status);
		CPPUNIT_ASSERT_EQUAL(409, _client->postJson("/auth/2fa/setup", "").status);
		CPPUNIT_ASSERT(_client->get("/auth/me").json()->getValue<bool>("totp_enabled"));

		HttpClient anonymous = _server->client();
		std::string challenge = loginChallenge(anonymous);
		CPPUNIT_ASSERT_EQUAL(401, verify(anonymous, challenge, "000000").status);

		// The code accepted by enable belongs to the current step, so the next step's code (inside the allowed
		// skew) is the first one verify-2fa accepts; sending it twice fails the second time.
		std::string nextCode = codeAt(secret, 1);
		HttpResult verified = verify(anonymous, challenge, nextCode);
		CPPUNIT_ASSERT_EQUAL(200, verified.status);
		CPPUNIT_ASSERT(!verified.json()->getValue<std::string>("access_token").empty());
		CPPUNIT_ASSERT_EQUAL(401, verify(anonymous, loginChallenge(anonymous), nextCode).status);

		std::string backupCode = backupCodes->getElement<std::string>(0);
		CPPUNIT_ASSERT_EQUAL(200, verify(anonymous, loginChallenge(anonymous), backupCode).status);
		CPPUNIT_ASSERT_EQUAL(401, verify(anonymous, loginChallenge(anonymous), backupCode).status);

		CPPUNIT_ASSERT_EQUAL(400, _client->postJson("/auth/2fa/disable", codeBody(backupCode)).status);
		CPPUNIT_ASSERT_EQUAL(200, _client->postJson("/auth/2fa/disable", codeBody(backupCodes->getElement<std::string>(1))).status);
		CPPUNIT_ASSERT(!_client->get("/auth/me").json()->getValue<bool>("totp_enabled"));
		HttpResult plainLogin = anonymous.postJson("/auth/login", credentialsJson("totp@example.com", kPassword));
		CPPUNIT_ASSERT_EQUAL(200, plainLogin.status);
		CPPUNIT_ASSERT(plainLogin.json()->has("access_token"));
	}

	void enableRequiresSetup()
	{
		CPPUNIT_ASSERT_EQUAL(409, _client->postJson("/auth/2fa/enable", codeBody("123456")).status);
	}

	void enableWrongCode()
	{
		std::string secret = _client->postJson("/auth/2fa/setup", "").json()->getValue<std::string>("secret");
		std::string wrong = codeAt(secret, 0) == "000000" ? "111111" : "000000";
		CPPUNIT_ASSERT_EQUAL(400, _client->postJson("/auth/2fa/enable", codeBody(wrong)).status);
		CPPUNIT_ASSERT_EQUAL(422, _client->postJson("/auth/2fa/enable", "{}").status);
	}

	void disableWhenOff()
	{
		CPPUNIT_ASSERT_EQUAL(409, _client->postJson("/auth/2fa/disable", codeBody("123456")).status);
	}

	void challengeIsNotAccessToken()
	{
		std::string secret = _client->postJson("/auth/2fa/setup", "").json()->getValue<std::string>("secret");
		CPPUNIT_ASSERT_EQUAL(200, _client->postJson("/auth/2fa/enable", codeBody(codeAt(secret, 0))).status);
		HttpClient anonymous = _server->client();
		std::string challenge = loginChallenge(anonymous);
		anonymous.setBearer(challenge);
		CPPUNIT_ASSERT_EQUAL(401, anonymous.get("/auth/me").status);
	}

	void invalidChallenge()
	{
		HttpClient anonymous = _server->client();
		CPPUNIT_ASSERT_EQUAL(401, verify(anonymous, "not-a-token", "123456").status);
		CPPUNIT_ASSERT_EQUAL(422, anonymous.postJson("/auth/login/verify-2fa", "{\"token\":\"x\"}").status);
	}

	void challengeSingleUse()
	{
		std::string secret = _client->postJson("/auth/2fa/setup", "").json()->getValue<std::string>("secret");
		HttpResult enabled = _client->postJson("/auth/2fa/enable", codeBody(codeAt(secret, 0)));
		CPPUNIT_ASSERT_EQUAL(200, enabled.status);
		Poco::JSON::Array::Ptr backupCodes = enabled.json()->getArray("backup_codes");

		HttpClient anonymous = _server->client();
		std::string challenge = loginChallenge(anonymous);
		CPPUNIT_ASSERT_EQUAL(200, verify(anonymous, challenge, backupCodes->getElement<std::string>(0)).status);
		HttpResult reused = verify(anonymous, challenge, backupCodes->getElement<std::string>(1));
		CPPUNIT_ASSERT_EQUAL(401, reused.status);
		CPPUNIT_ASSERT(reused.json()->getValue<std::string>("detail").find("already used") != std::string::npos);
		// The second backup code was not spent by the rejected attempt.
		CPPUNIT_ASSERT_EQUAL(200, verify(anonymous, loginChallenge(anonymous), backupCodes->getElement<std::string>(1)).status);
	}

private:
	std::string loginChallenge(HttpClient& client)
	{
		HttpResult login = client.postJson("/auth/login", credentialsJson("totp@example.com", kPassword));
		CPPUNIT_ASSERT_EQUAL(200, login.status);
		CPPUNIT_ASSERT(login.json()->getValue<bool>("requires_2fa"));
		CPPUNIT_ASSERT_EQUAL(300, login.json()->getValue<int>("expires_in"));
		CPPUNIT_ASSERT(!login.json()->has("access_token"));
		return login.json()->getValue<std::string>("token");
	}

	HttpResult verify(HttpClient& client, const std::string& challenge, const std::string& code)
	{
		return client.postJson("/auth/login/verify-2fa", "{\"token\":\"" + challenge + "\",\"totp_code\":\"" + code + "\"}");
	}

	std::unique_ptr<TestServer> _server;
	std::unique_ptr<HttpClient> _client;
};

CPPUNIT_TEST_SUITE_REGISTRATION(TwoFactorTest);
