#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Base64Encoder.h>
#include <Poco/Data/Session.h>

#include "support/auth_helpers.h"
#include "support/test_server.h"

using namespace gpucloud;
using namespace gpucloud::testing;
using Poco::Data::Keywords::now;

namespace
{

const std::string kPassword = "correct horse battery";

std::map<std::string, std::string> bearer(const std::string& credential)
{
	return {{"Authorization", "Bearer " + credential}};
}

std::string base64Url(const std::string& text)
{
	std::ostringstream out;
	Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
	encoder << text;
	encoder.close();
	return out.str();
}

std::string refreshBody(const std::string& token)
{
	return "{\"refresh_token\":\"" + token + "\"}";
}

} // namespace

class AuthFlowTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AuthFlowTest);
	CPPUNIT_TEST(registerReturnsUser);
	CPPUNIT_TEST(registerDuplicate);
	CPPUNIT_TEST(registerValidation);
	CPPUNIT_TEST(registerBadBodies);
	CPPUNIT_TEST(registrationDisabled);
	CPPUNIT_TEST(loginReturnsTokens);
	CPPUNIT_TEST(loginFailuresLookAlike);
	CPPUNIT_TEST(meRequiresCredential);
	CPPUNIT_TEST(tamperedTokenRejected);
	CPPUNIT_TEST(algNoneRejected);
	CPPUNIT_TEST(refreshTokenNotAccess);
	CPPUNIT_TEST(refreshRotates);
	CPPUNIT_TEST(refreshReuseRevokesFamily);
	CPPUNIT_TEST(refreshInvalid);
	CPPUNIT_TEST(logoutOneSession);
	CPPUNIT_TEST(logoutEverywhere);
	CPPUNIT_TEST(passwordChange);
	CPPUNIT_TEST(suspendedUser);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override { _server = std::make_unique<TestServer>(); }
	void tearDown() override { _server.reset(); }

	void registerReturnsUser()
	{
		HttpClient client = _server->client();
		HttpResult result = client.postJson("/auth/register", credentialsJson("  Alice@Example.COM ", kPassword));
		CPPUNIT_ASSERT_EQUAL(201, result.status);
		Poco::JSON::Object::Ptr user = result.json();
		CPPUNIT_ASSERT_EQUAL(std::string("alice@example.com"), user->getValue<std::string>("email"));
		CPPUNIT_ASSERT_EQUAL(std::string("active"), user->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("email"), user->getValue<std::string>("auth_provider"));
		CPPUNIT_ASSERT(!user->getValue<bool>("totp_enabled"));
		CPPUNIT_ASSERT(!user->getValue<bool>("is_admin"));
		CPPUNIT_ASSERT(user->has("credit_balance"));
		CPPUNIT_ASSERT(user->has("max_hourly_spend"));
		CPPUNIT_ASSERT(!user->has("password_hash"));
	}

	void registerDuplicate()
	{
		HttpClient client = _server->client();
		CPPUNIT_ASSERT_EQUAL(201, client.postJson("/auth/register", credentialsJson("bob@example.com", kPassword)).status);
		HttpResult again = client.postJson("/auth/register", credentialsJson("BOB@example.com", kPassword));
		CPPUNIT_ASSERT_EQUAL(409, again.status);
	}

	void registerValidation()
	{
		HttpClient client = _server->client();
		HttpResult shortPassword = client.postJson("/auth/register", credentialsJson("c@example.com", "elevenchars"));
		CPPUNIT_ASSERT_EQUAL(422, shortPassword.status);
		Poco::JSON::Array::Ptr detail = shortPassword.json()->getArray("detail");
		CPPUNIT_ASSERT_EQUAL(std::string("password"), detail->getObject(0)->getArray("loc")->getElement<std::string>(1));

		CPPUNIT_ASSERT_EQUAL(422, client.postJson("/auth/register", credentialsJson("not-an-email", kPassword)).status);
		CPPUNIT_ASSERT_EQUAL(422, client.postJson("/auth/register", "{\"email\":\"d@example.com\"}").status);
	}

	void registerBadBodies()
	{
		HttpClient client = _server->client();
		CPPUNIT_ASSERT_EQUAL(400, client.postJson("/auth/register", "{not json").status);
		HttpResult text = client.request("POST", "/auth/register", credentialsJson("e@example.com", kPassword), {},
			"text/plain");
		CPPUNIT_ASSERT_EQUAL(415, text.status);
	}

	void registrationDisabled()
	{
		_server.reset();
		_server = std::make_unique<TestServer>("", iniWith("auth", "registration_enabled = false"));
		HttpClient client = _server->client();
		CPPUNIT_ASSERT_EQUAL(403, client.postJson("/auth/register", credentialsJson("f@example.com", kPassword)).status);
	}

	void loginReturnsTokens()
	{
		HttpClient client = _server->client();
		Poco::JSON::Object::Ptr login = registerAndLogin(client, "g@example.com", kPassword);
		CPPUNIT_ASSERT_EQUAL(std::string("bearer"), login->getValue<std::string>("token_type"));
		CPPUNIT_ASSERT_EQUAL(3600, login->getValue<int>("expires_in"));
		CPPUNIT_ASSERT(!login->getValue<std::string>("refresh_token").empty());

		HttpResult me = client.get("/auth/me", bearer(login->getValue<std::string>("access_token")));
		CPPUNIT_ASSERT_EQUAL(200, me.status);
		CPPUNIT_ASSERT_EQUAL(std::string("g@example.com"), me.json()->getValue<std::string>("email"));
	}

	void loginFailuresLookAlike()
	{
		HttpClient client = _server->client();
		registerAndLogin(client, "h@example.com", kPassword);
		HttpResult wrongPassword = client.postJson("/auth/login", credentialsJson("h@example.com", kPassword + "x"));
		HttpResult unknown = client.postJson("/auth/login", credentialsJson("nobody@example.com", kPassword));
		CPPUNIT_ASSERT_EQUAL(401, wrongPassword.status);
		CPPUNIT_ASSERT_EQUAL(401, unknown.status);
		CPPUNIT_ASSERT_EQUAL(wrongPassword.body, unknown.body);
	}

	void meRequiresCredential()
	{
		HttpClient client = _server->client();
		HttpResult result = client.get("/auth/me");
		CPPUNIT_ASSERT_EQUAL(401, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Bearer"), result.header("WWW-Authenticate"));
		CPPUNIT_ASSERT_EQUAL(401, client.get("/auth/me", bearer("garbage")).status);
		CPPUNIT_ASSERT_EQUAL(401, client.get("/auth/me", bearer("nv_live_doesnotexistdoesnotexistdoesnotexist")).status);
	}

	void tamperedTokenRejected()
	{
		HttpClient client = _server->client();
		std::string token = registerAndLogin(client, "i@example.com", kPassword)->getValue<std::string>("access_token");
		std::size_t signatureStart = token.rfind('.') + 1;
		std::size_t middle = signatureStart + (token.size() - signatureStart) / 2;
		token[middle] = token[middle] == 'A' ? 'B' : 'A';
		CPPUNIT_ASSERT_EQUAL(401, client.get("/auth/me", bearer(token)).status);
	}

	void algNoneRejected()
	{
		HttpClient client = _server->client();
		registerAndLogin(client, "j@example.com", kPassword);
		std::string payload = R"({"aud":"gpucloud-api","exp":4000000000,"iat":1700000000,"iss":"gpucloud","jti":"x","sub":"1","typ":"access"})";
		std::string token = base64Url(R"({"alg":"none","typ":"JWT"})") + "." + base64Url(payload) + ".";
		CPPUNIT_ASSERT_EQUAL(401, client.get("/auth/me", bearer(token)).status);
	}

	void refreshTokenNotAccess()
	{
		HttpClient client = _server->client();
		Poco::JSON::Object::Ptr login = registerAndLogin(client, "k@example.com", kPassword);
		CPPUNIT_ASSERT_EQUAL(401, client.get("/auth/me", bearer(login->getValue<std::string>("refresh_token"))).status);
	}

	void refreshRotates()
	{
		HttpClient client = _server->client();
		Poco::JSON::Object::Ptr login = registerAndLogin(client, "l@example.com", kPassword);
		HttpResult refreshed = client.postJson("/auth/refresh", refreshBody(login->getValue<std::string>("refresh_token")));
		CPPUNIT_ASSERT_EQUAL(200, refreshed.status);
		Poco::JSON::Object::Ptr pair = refreshed.json();
		CPPUNIT_ASSERT(pair->getValue<std::string>("refresh_token") != login->getValue<std::string>("refresh_token"));
		CPPUNIT_ASSERT_EQUAL(200, client.get("/auth/me", bearer(pair->getValue<std::string>("access_token"))).status);
	}

	void refreshReuseRevokesFamily()
	{
		HttpClient client = _server->client();
		std::string first = registerAndLogin(client, "m@example.com", kPassword)->getValue<std::string>("refresh_token");
		HttpResult rotated = client.postJson("/auth/refresh", refreshBody(first));
		CPPUNIT_ASSERT_EQUAL(200, rotated.status);
		std::string second = rotated.json()->getValue<std::string>("refresh_token");

		CPPUNIT_ASSERT_EQUAL(401, client.postJson("/auth/refresh", refreshBody(first)).status);
		// The reuse revoked the family, so the token that rotation issued is dead as well.
		CPPUNIT_ASSERT_EQUAL(401, client.postJson("/auth/refresh", refreshBody(second)).status);
	}

	void refreshInvalid()
	{
		HttpClient client = _server->client();
		CPPUNIT_ASSERT_EQUAL(401, client.postJson("/auth/refresh", refreshBody("not-a-token")).status);
		CPPUNIT_ASSERT_EQUAL(422, client.postJson("/auth/refresh", "{}").status);
		std::string access = registerAndLogin(client, "n@example.com", kPassword)->getValue<std::string>("access_token");
		CPPUNIT_ASSERT_EQUAL(401, client.postJson("/auth/refresh", refreshBody(access)).status);
	}

	void logoutOneSession()
	{
		HttpClient client = _server->client();
		Poco::JSON::Object::Ptr first = registerAndLogin(client, "o@example.com", kPassword);
		HttpResult secondLogin = client.postJson("/auth/login", credentialsJson("o@example.com", kPassword));
		std::string secondRefresh = secondLogin.json()->getValue<std::string>("refresh_token");

		std::string access = first->getValue<std::string>("access_token");
		std::string refresh = first->getValue<std::string>("refresh_token");
		CPPUNIT_ASSERT_EQUAL(204, client.postJson("/auth/logout", refreshBody(refresh), bearer(access)).status);
		CPPUNIT_ASSERT_EQUAL(401, client.postJson("/auth/refresh", refreshBody(refresh)).status);
		CPPUNIT_ASSERT_EQUAL(200, client.postJson("/auth/refresh", refreshBody(secondRefresh)).status);
		CPPUNIT_ASSERT_EQUAL(401, client.postJson("/auth/logout", "{}").status);
	}

	void logoutEverywhere()
	{
		HttpClient client = _server->client();
		Poco::JSON::Object::Ptr first = registerAndLogin(client, "p@example.com", kPassword);
		HttpResult secondLogin = client.postJson("/auth/login", credentialsJson("p@example.com", kPassword));
		std::string access = first->getValue<std::string>("access_token");
		CPPUNIT_ASSERT_EQUAL(204, client.postJson("/auth/logout", "", bearer(access)).status);
		CPPUNIT_ASSERT_EQUAL(401,
			client.postJson("/auth/refresh", refreshBody(first->getValue<std::string>("refresh_token"))).status);
		CPPUNIT_ASSERT_EQUAL(401,
			client.postJson("/auth/refresh", refreshBody(secondLogin.json()->getValue<std::string>("refresh_token"))).status);
	}

	void passwordChange()
	{
		HttpClient client = _server->client();
		Poco::JSON::Object::Ptr login = registerAndLogin(client, "q@example.com", kPassword);
		auto auth = bearer(login->getValue<std::string>("access_token"));
		std::string newPassword = "a much better passphrase";

		HttpResult wrong = client.postJson("/auth/password",
			"{\"current_password\":\"wrong password!!\",\"new_password\":\"" + newPassword + "\"}", auth);
		CPPUNIT_ASSERT_EQUAL(401, wrong.status);
		HttpResult weak = client.postJson("/auth/password",
			"{\"current_password\":\"" + kPassword + "\",\"new_password\":\"short\"}", auth);
		CPPUNIT_ASSERT_EQUAL(422, weak.status);
		HttpResult changed = client.postJson("/auth/password",
			"{\"current_password\":\"" + kPassword + "\",\"new_password\":\"" + newPassword + "\"}", auth);
		CPPUNIT_ASSERT_EQUAL(204, changed.status);

		CPPUNIT_ASSERT_EQUAL(401,
			client.postJson("/auth/refresh", refreshBody(login->getValue<std::string>("refresh_token"))).status);
		CPPUNIT_ASSERT_EQUAL(401, client.postJson("/auth/login", credentialsJson("q@example.com", kPassword)).status);
		CPPUNIT_ASSERT_EQUAL(200, client.postJson("/auth/login", credentialsJson("q@example.com", newPassword)).status);
	}

	void suspendedUser()
	{
		HttpClient client = _server->client();
		Poco::JSON::Object::Ptr login = registerAndLogin(client, "r@example.com", kPassword);
		{
			Poco::Data::Session session = _server->core().context().database.session();
			session << "UPDATE users SET status = 'suspended' WHERE email = 'r@example.com'", now;
		}
		CPPUNIT_ASSERT_EQUAL(401, client.get("/auth/me", bearer(login->getValue<std::string>("access_token"))).status);
		CPPUNIT_ASSERT_EQUAL(403, client.postJson("/auth/login", credentialsJson("r@example.com", kPassword)).status);
		CPPUNIT_ASSERT_EQUAL(401,
			client.postJson("/auth/refresh", refreshBody(login->getValue<std::string>("refresh_token"))).status);
	}

private:
	std::unique_ptr<TestServer> _server;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuthFlowTest);
