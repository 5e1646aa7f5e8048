#include <cppunit/extensions/HelperMacros.h>

#include <mutex>

#include <Poco/AutoPtr.h>
#include <Poco/Channel.h>
#include <Poco/Logger.h>
#include <Poco/Message.h>

#include "auth/totp.h"
#include "db/database.h"
#include "support/auth_helpers.h"
#include "support/test_server.h"

using namespace gpucloud;
using namespace gpucloud::testing;
namespace totp = gpucloud::providers::auth::totp;

namespace
{

/// Keeps every log message in memory.
class MemoryChannel : public Poco::Channel
{
public:
	void log(const Poco::Message& message) override
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_text += message.getSource() + ": " + message.getText() + "\n";
	}

	std::string text()
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _text;
	}

private:
	std::mutex _mutex;
	std::string _text;
};

} // namespace

class AuthLogSecretsTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AuthLogSecretsTest);
	CPPUNIT_TEST(noSecretInLog);
	CPPUNIT_TEST_SUITE_END();

public:
	void noSecretInLog()
	{
		Poco::AutoPtr<MemoryChannel> channel = new MemoryChannel;
		Poco::Logger::root().setChannel(channel);
		Poco::Logger::setChannel("", channel);
		Poco::Logger::setLevel("", Poco::Message::PRIO_TRACE);

		std::vector<std::string> secrets;
		runFlow(secrets);

		Poco::Logger::setLevel("", Poco::Message::PRIO_FATAL - 1);
		std::string log = channel->text();
		CPPUNIT_ASSERT(log.find("gpucloud.accounts") != std::string::npos);
		for (const std::string& secret : secrets)
			CPPUNIT_ASSERT_MESSAGE("A secret appears in the log", log.find(secret) == std::string::npos);
	}

private:
	void runFlow(std::vector<std::string>& secrets)
	{
		const std::string password = "log-test password one";
		const std::string newPassword = "log-test password two";
		secrets = {password, newPassword};

		TestServer server;
		HttpClient client = server.client();
		Poco::JSON::Object::Ptr login = registerAndLogin(client, "log@example.com", password);
		std::string access = login->getValue<std::string>("access_token");
		secrets.push_back(access);
		secrets.push_back(login->getValue<std::string>("refresh_token"));
		client.setBearer(access);

		CPPUNIT_ASSERT_EQUAL(401, HttpClient(server.port()).postJson("/auth/login", credentialsJson("log@example.com", "wrong " + password)).status);
		secrets.push_back("wrong " + password);

		HttpResult key = client.postJson("/auth/api-key", "{}");
		secrets.push_back(key.json()->getValue<std::string>("api_key"));
		CPPUNIT_ASSERT_EQUAL(200, HttpClient(server.port()).get("/auth/me", {{"Authorization", "Bearer " + secrets.back()}}).status);

		std::string secret = client.postJson("/auth/2fa/setup", "").json()->getValue<std::string>("secret");
		secrets.push_back(secret);
		std::string code = totp::code(totp::decodeBase32(secret), totp::stepAt(db::unixNow()));
		HttpResult enabled = client.postJson("/auth/2fa/enable", "{\"totp_code\":\"" + code + "\"}");
		CPPUNIT_ASSERT_EQUAL(200, enabled.status);
		Poco::JSON::Array::Ptr backupCodes = enabled.json()->getArray("backup_codes");
		for (std::size_t i = 0; i < backupCodes->size(); ++i)
			secrets.push_back(backupCodes->getElement<std::string>(static_cast<unsigned>(i)));

		HttpClient anonymous = server.client();
		HttpResult challenge = anonymous.postJson("/auth/login", credentialsJson("log@example.com", password));
		std::string challengeToken = challenge.json()->getValue<std::string>("token");
		secrets.push_back(challengeToken);
		HttpResult verified = anonymous.postJson("/auth/login/verify-2fa",
			"{\"token\":\"" + challengeToken + "\",\"totp_code\":\"" + backupCodes->getElement<std::string>(0) + "\"}");
		CPPUNIT_ASSERT_EQUAL(200, verified.status);
		std::string refresh = verified.json()->getValue<std::string>("refresh_token");
		secrets.push_back(refresh);

		HttpResult refreshed = anonymous.postJson("/auth/refresh", "{\"refresh_token\":\"" + refresh + "\"}");
		CPPUNIT_ASSERT_EQUAL(200, refreshed.status);
		secrets.push_back(refreshed.json()->getValue<std::string>("access_token"));
		CPPUNIT_ASSERT_EQUAL(401, anonymous.postJson("/auth/refresh", "{\"refresh_token\":\"" + refresh + "\"}").status);

		HttpResult changed = client.postJson("/auth/password",
			"{\"current_password\":\"" + password + "\",\"new_password\":\"" + newPassword + "\"}");
		CPPUNIT_ASSERT_EQUAL(204, changed.status);
		CPPUNIT_ASSERT_EQUAL(204, client.request("DELETE", "/api-keys/" + key.json()->getValue<std::string>("id")).status);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(AuthLogSecretsTest);
