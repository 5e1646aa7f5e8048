#include <cppunit/extensions/HelperMacros.h>

#include "support/auth_helpers.h"
#include "support/test_server.h"

using namespace gpucloud::testing;

namespace
{

const std::string kPassword = "correct horse battery";

} // namespace

class AuthRateLimitTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AuthRateLimitTest);
	CPPUNIT_TEST(loginClassPerClient);
	CPPUNIT_TEST(loginAttemptsPerAccount);
	CPPUNIT_TEST_SUITE_END();

public:
	void loginClassPerClient()
	{
		TestServer server("", iniWith("rate_limits", "login_per_minute = 3"));
		HttpClient client = server.client();
		for (int i = 0; i < 3; ++i)
		{
			HttpResult allowed = client.postJson("/auth/login", credentialsJson("x@example.com", kPassword));
			CPPUNIT_ASSERT_EQUAL(401, allowed.status);
			CPPUNIT_ASSERT_EQUAL(std::string("3"), allowed.header("RateLimit-Limit"));
			CPPUNIT_ASSERT_EQUAL(std::to_string(2 - i), allowed.header("RateLimit-Remaining"));
			CPPUNIT_ASSERT(!allowed.header("RateLimit-Reset").empty());
		}
		HttpResult limited = client.postJson("/auth/login", credentialsJson("x@example.com", kPassword));
		CPPUNIT_ASSERT_EQUAL(429, limited.status);
		CPPUNIT_ASSERT_EQUAL(std::string("0"), limited.header("RateLimit-Remaining"));
		// 3 per minute refill one token every 20 seconds.
		int retryAfter = std::stoi(limited.header("Retry-After"));
		CPPUNIT_ASSERT(retryAfter >= 1 && retryAfter <= 20);
		CPPUNIT_ASSERT(limited.json()->has("detail"));
		CPPUNIT_ASSERT_EQUAL(429, client.postJson("/auth/register", credentialsJson("y@example.com", kPassword)).status);
	}

	void loginAttemptsPerAccount()
	{
		TestServer server("", iniWith("rate_limits", "login_account_per_minute = 2"));
		HttpClient client = server.client();
		CPPUNIT_ASSERT_EQUAL(201, client.postJson("/auth/register", credentialsJson("z@example.com", kPassword)).status);
		CPPUNIT_ASSERT_EQUAL(401, client.postJson("/auth/login", credentialsJson("z@example.com", "wrong password 1")).status);
		CPPUNIT_ASSERT_EQUAL(401, client.postJson("/auth/login", credentialsJson("Z@example.com", "wrong password 2")).status);

		// The account is now limited whatever the password and client; another account is not.
		HttpResult limited = client.postJson("/auth/login", credentialsJson("z@example.com", kPassword));
		CPPUNIT_ASSERT_EQUAL(429, limited.status);
		CPPUNIT_ASSERT(!limited.header("Retry-After").empty());
		CPPUNIT_ASSERT(limited.json()->getValue<std::string>("detail").find("account") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(401, client.postJson("/auth/login", credentialsJson("w@example.com", kPassword)).status);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuthRateLimitTest);
