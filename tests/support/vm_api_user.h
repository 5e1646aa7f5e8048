#pragma once

#include <chrono>
#include <functional>
#include <string>

#include <Poco/JSON/Object.h>

#include "support/http_client.h"
#include "support/test_server.h"

namespace gpucloud::testing
{

/// A user of a test server with a bearer token, and the helpers the VM tests share.
class ApiUser
{
public:
	/// Registers `email` through POST /auth/register, logs in through POST /auth/login, raises the account's
	/// max_vms to `maxVms` and its spend limit in the database, and credits it with $10,000.
	ApiUser(TestServer& server, const std::string& email, int maxVms = 50);

	std::int64_t id() const { return _id; }
	HttpClient client() const;

	HttpResult get(const std::string& target) const;
	HttpResult post(const std::string& target, const std::string& body,
		const std::map<std::string, std::string>& headers = {}) const;
	HttpResult patch(const std::string& target, const std::string& body) const;
	HttpResult remove(const std::string& target) const;

	/// Adds a fixed ed25519 key and returns its id.
	std::string addSshKey() const;

	/// Creates a VM from `body` and returns its id; fails the test unless the status is 201.
	std::string createVm(const std::string& body) const;

	/// Polls GET /vms/{id} until `status` or the deadline; returns the last VM object.
	Poco::JSON::Object::Ptr waitForStatus(const std::string& vmId, const std::string& status,
		std::chrono::seconds deadline = std::chrono::seconds(30)) const;

private:
	TestServer& _server;
	std::string _token;
	std::int64_t _id = 0;
};

/// Credits user `userId` with $10,000 through POST /admin/users/{id}/credits, sent by `client` (the user's own
/// client) with administrator rights granted in the database for that one call.
void creditWithAdminRights(server::ServerCore& core, HttpClient& client, std::int64_t userId);

/// Returns a POST /vms body.
std::string vmBody(const std::string& node, const std::string& gpuType, int gpuCount, const std::string& extra = "");

/// Polls `condition` every 20 ms until it is true or `deadline` passes; returns its last value.
bool eventually(const std::function<bool()>& condition, std::chrono::seconds deadline = std::chrono::seconds(30));

/// Returns the number of gpu_allocations rows of a VM.
std::int64_t allocationCount(TestServer& server, const std::string& vmId);

/// The field of a 422 body's first error, such as "storage_gb".
std::string failedField(const HttpResult& result);

extern const char* kTestSshKey;

} // namespace gpucloud::testing
