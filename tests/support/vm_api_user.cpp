#include "support/vm_api_user.h"

#include <thread>

#include <Poco/Data/Session.h>
#include <Poco/JSON/Array.h>

#include <cppunit/extensions/HelperMacros.h>

using namespace Poco::Data::Keywords;

namespace gpucloud::testing
{

const char* kTestSshKey =
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII2kRnbN/zlsN6t4Qd2Jo83YXXmOQO6Qkffgr6aXKOa3 user@example";

ApiUser::ApiUser(TestServer& server, const std::string& email, int maxVms) : _server(server)
{
	HttpClient anonymous = server.client();
	std::string credentials = R"({"email": ")" + email + R"(", "password": "correct horse battery staple"})";
	HttpResult registered = anonymous.postJson("/auth/register", credentials);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(registered.body, 201, registered.status);
	_id = registered.json()->getValue<Poco::Int64>("id");
	HttpResult login = anonymous.postJson("/auth/login", credentials);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(login.body, 200, login.status);
	_token = login.json()->getValue<std::string>("access_token");

	Poco::Data::Session session = server.core().context().database.session();
	Poco::Int64 user = _id;
	int limit = maxVms;
	Poco::Int64 spendLimit = 1000 * 1000000LL;
	session << "UPDATE users SET max_vms = $1, max_hourly_spend_micros = $2 WHERE id = $3", use(limit),
		use(spendLimit), use(user), now;

	HttpClient own = client();
	creditWithAdminRights(server.core(), own, _id);
}

void creditWithAdminRights(server::ServerCore& core, HttpClient& client, std::int64_t userId)
{
	// Prepaid billing admits no VM without a balance.
	Poco::Data::Session session = core.context().database.session();
	Poco::Int64 user = userId;
	session << "UPDATE users SET is_admin = 1 WHERE id = $1", use(user), now;
	HttpResult credited = client.postJson("/admin/users/" + std::to_string(userId) + "/credits",
		R"({"amount": 10000, "description": "Test credit"})");
	session << "UPDATE users SET is_admin = 0 WHERE id = $1", use(user), now;
	CPPUNIT_ASSERT_EQUAL_MESSAGE(credited.body, 201, credited.status);
}

HttpClient ApiUser::client() const
{
	HttpClient client = _server.client();
	client.setBearer(_token);
	return client;
}

HttpResult ApiUser::get(const std::string& target) const
{
	return client().get(target);
}

HttpResult ApiUser::post(const std::string& target, const std::string& body,
	const std::map<std::string, std::string>& headers) const
{
	return client().request("POST", target, body, headers, body.empty() ? "" : "application/json");
}

HttpResult ApiUser::patch(const std::string& target, const std::string& body) const
{
	return client().request("PATCH", target, body);
}

HttpResult ApiUser::remove(const std::string& target) const
{
	return client().request("DELETE", target, "", {}, "");
}

std::string ApiUser::addSshKey() const
{
	HttpResult result = post("/ssh-keys", std::string(R"({"ssh_public_key": ")") + kTestSshKey + R"("})");
	CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 201, result.status);
	return result.json()->getValue<std::string>("id");
}

std::string ApiUser::createVm(const std::string& body) const
{
	HttpResult result = post("/vms", body);
	CPPUNIT_ASSERT_EQUAL_MESSAGE(result.body, 201, result.status);
	return result.json()->getValue<std::string>("id");
}

Poco::JSON::Object::Ptr ApiUser::waitForStatus(const std::string& vmId, const std::string& status,
	std::chrono::seconds deadline) const
{
	Poco::JSON::Object::Ptr last;
	bool reached = eventually([&] {
		HttpResult result = get("/vms/" + vmId);
		if (result.status != 200)
			return false;
		last = result.json();
		return last->getValue<std::string>("status") == status;
	}, deadline);
	std::string seen = last ? last->getValue<std::string>("status") : "nothing";
	std::string reason = last && !last->isNull("status_reason") ? last->getValue<std::string>("status_reason") : "";
	CPPUNIT_ASSERT_MESSAGE("VM " + vmId + " did not become " + status + "; it is " + seen + " (" + reason + ")",
		reached);
	return last;
}

std::string vmBody(const std::string& node, const std::string& gpuType, int gpuCount, const std::string& extra)
{
	return R"({"node": ")" + node + R"(", "gpu_type": ")" + gpuType + R"(", "gpu_count": )"
		+ std::to_string(gpuCount) + R"(, "storage_gb": 100, "template_vmid": 100)" + (extra.empty() ? "" : ", ")
		+ extra + "}";
}

bool eventually(const std::function<bool()>& condition, std::chrono::seconds deadline)
{
	auto until = std::chrono::steady_clock::now() + deadline;
	while (std::chrono::steady_clock::now() < until)
	{
		if (condition())
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	return condition();
}

std::int64_t allocationCount(TestServer& server, const std::string& vmId)
{
	Poco::Data::Session session = server.core().context().database.session();
	std::string id = vmId;
	Poco::Int64 count = 0;
	session << "SELECT COUNT(*) FROM gpu_allocations WHERE vm_id = $1", use(id), into(count), now;
	return count;
}

std::string failedField(const HttpResult& result)
{
	Poco::JSON::Array::Ptr errors = result.json()->getArray("detail");
	if (!errors || errors->size() == 0)
		return "";
	Poco::JSON::Array::Ptr location = errors->getObject(0)->getArray("loc");
	return location->getElement<std::string>(static_cast<unsigned>(location->size() - 1));
}

} // namespace gpucloud::testing
