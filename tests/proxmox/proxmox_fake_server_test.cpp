// The fake Proxmox server's protocol, checked with a plain HTTPS client: what client authors can rely on when they
// test against it.

#include <sstream>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "proxmox_test_support.h"

using namespace gpucloud;
using namespace gpucloud::testing::proxmox;

namespace
{

struct Reply
{
	int status = 0;
	std::string reason;
	std::string body;
	std::string connection;
	std::string server;

	Poco::JSON::Object::Ptr json() const
	{
		return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
	}
};

struct Headers
{
	std::string authorization;
	std::string cookie;
	std::string csrf;
	std::string contentType = "application/x-www-form-urlencoded";
};

Reply call(FakeProxmoxServer& server, const std::string& method, const std::string& target, const std::string& body,
	const Headers& headers)
{
	Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
		Poco::Net::Context::VERIFY_NONE);
	Poco::Net::HTTPSClientSession session("127.0.0.1", server.port(), context);
	Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
	if (!headers.authorization.empty())
		request.set("Authorization", headers.authorization);
	if (!headers.cookie.empty())
		request.set("Cookie", headers.cookie);
	if (!headers.csrf.empty())
		request.set("CSRFPreventionToken", headers.csrf);
	if (!body.empty())
	{
		request.setContentType(headers.contentType);
		request.setContentLength(static_cast<std::streamsize>(body.size()));
	}
	session.sendRequest(request) << body;
	Poco::Net::HTTPResponse response;
	std::istream& in = session.receiveResponse(response);
	Reply reply;
	Poco::StreamCopier::copyToString(in, reply.body);
	reply.status = static_cast<int>(response.getStatus());
	reply.reason = response.getReason();
	reply.connection = response.get("Connection", "");
	reply.server = response.get("Server", "");
	return reply;
}

Reply call(FakeProxmoxServer& server, const std::string& method, const std::string& target, const std::string& body = "")
{
	Headers headers;
	headers.authorization = "PVEAPIToken=" + server.token().id + "=" + server.token().secret;
	return call(server, method, target, body, headers);
}

std::string data(const Reply& reply)
{
	return reply.json()->get("data").toString();
}

bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}

/// Polls a task until it stops, for at most two seconds.
std::string waitTask(FakeProxmoxServer& server, const std::string& node, const std::string& upid)
{
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
	while (std::chrono::steady_clock::now() < deadline)
	{
		Poco::JSON::Object::Ptr status
			= call(server, "GET", "/api2/json/nodes/" + node + "/tasks/" + upid + "/status").json()->getObject("data");
		if (status->getValue<std::string>("status") == "stopped")
			return status->getValue<std::string>("exitstatus");
		std::this_thread::sleep_for(std::chrono::milliseconds(10));
	}
	return "timeout";
}

} // namespace

class ProxmoxFakeServerTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProxmoxFakeServerTest);
	CPPUNIT_TEST(envelopeAndHeaders);
	CPPUNIT_TEST(nextIdIsString);
	CPPUNIT_TEST(missingAuthentication);
	CPPUNIT_TEST(legacyAuthTexts);
	CPPUNIT_TEST(ticketAndCsrf);
	CPPUNIT_TEST(unknownPathNotImplemented);
	CPPUNIT_TEST(bodyOnDeleteRejected);
	CPPUNIT_TEST(unencodedValueTruncated);
	CPPUNIT_TEST(semicolonSplitsPairs);
	CPPUNIT_TEST(booleanMustBeOneOrZero);
	CPPUNIT_TEST(jsonBodyAccepted);
	CPPUNIT_TEST(legacyErrorBody);
	CPPUNIT_TEST(cloneLockBlocksConfig);
	CPPUNIT_TEST(taskOnWrongNode);
	CPPUNIT_TEST(resourcesLagAfterClone);
	CPPUNIT_TEST(agentReadinessTexts);
	CPPUNIT_TEST_SUITE_END();

public:
	void envelopeAndHeaders()
	{
		FakeProxmoxServer server(fastOptions());
		Reply reply = call(server, "GET", "/api2/json/version");
		CPPUNIT_ASSERT_EQUAL(200, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("pve-api-daemon/3.0"), reply.server);
		CPPUNIT_ASSERT_EQUAL(std::string("8.4.1"), reply.json()->getObject("data")->getValue<std::string>("version"));
		Reply error = call(server, "GET", "/api2/json/nodes/pve1/qemu/999/config");
		CPPUNIT_ASSERT_EQUAL(500, error.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist"),
			error.reason);
		CPPUNIT_ASSERT_EQUAL(std::string("Close"), error.connection);
		CPPUNIT_ASSERT_EQUAL(std::string("Configuration file 'nodes/pve1/qemu-server/999.conf' does not exist\n"),
			error.json()->getValue<std::string>("message"));
	}

	void nextIdIsString()
	{
		FakeProxmoxServer server(fastOptions());
		Reply reply = call(server, "GET", "/api2/json/cluster/nextid");
		CPPUNIT_ASSERT_EQUAL(std::string("{\"data\":\"100\"}"), reply.body);
		Reply taken = call(server, "GET", "/api2/json/cluster/nextid?vmid=9000");
		CPPUNIT_ASSERT_EQUAL(400, taken.status);
		CPPUNIT_ASSERT_EQUAL(std::string("VM 9000 already exists\n"),
			taken.json()->getObject("errors")->getValue<std::string>("vmid"));
	}

	void missingAuthentication()
	{
		FakeProxmoxServer server(fastOptions());
		Reply reply = call(server, "GET", "/api2/json/nodes", "", Headers{});
		CPPUNIT_ASSERT_EQUAL(401, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("No ticket"), reply.reason);
		CPPUNIT_ASSERT(reply.body.empty());
		Headers basic;
		basic.authorization = "Basic Z3B1Y2xvdWQ6c2VjcmV0";
		CPPUNIT_ASSERT_EQUAL(std::string("No ticket"), call(server, "GET", "/api2/json/nodes", "", basic).reason);
	}

	void legacyAuthTexts()
	{
		FakeProxmoxServer server(fastOptions());
		Headers wrong;
		wrong.authorization = "PVEAPIToken=" + server.token().id + "=nope";
		CPPUNIT_ASSERT_EQUAL(std::string("invalid token value!"), call(server, "GET", "/api2/json/nodes", "", wrong).reason);
		Headers unknown;
		unknown.authorization = "PVEAPIToken=gpucloud@pve!other=nope";
		CPPUNIT_ASSERT_EQUAL(std::string("no such token 'other' for user 'gpucloud@pve'"),
			call(server, "GET", "/api2/json/nodes", "", unknown).reason);
		// A space works as separator too.
		Headers spaced;
		spaced.authorization = "PVEAPIToken " + server.token().id + "=" + server.token().secret;
		CPPUNIT_ASSERT_EQUAL(200, call(server, "GET", "/api2/json/nodes", "", spaced).status);
	}

	void ticketAndCsrf()
	{
		FakeProxmoxServer server(fastOptions());
		Reply login = call(server, "POST", "/api2/json/access/ticket", "username=root&realm=pam&password=fake-root-password",
			Headers{});
		CPPUNIT_ASSERT_EQUAL(200, login.status);
		Poco::JSON::Object::Ptr ticket = login.json()->getObject("data");
		Headers cookie;
		cookie.cookie = "PVEAuthCookie=" + ticket->getValue<std::string>("ticket");
		CPPUNIT_ASSERT_EQUAL(200, call(server, "GET", "/api2/json/nodes", "", cookie).status);
		Reply withoutCsrf = call(server, "POST", "/api2/json/nodes/pve1/qemu/9000/clone", "newid=500", cookie);
		CPPUNIT_ASSERT_EQUAL(401, withoutCsrf.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Permission denied - invalid csrf token"), withoutCsrf.reason);
		cookie.csrf = ticket->getValue<std::string>("CSRFPreventionToken");
		Reply clone = call(server, "POST", "/api2/json/nodes/pve1/qemu/9000/clone", "newid=500", cookie);
		CPPUNIT_ASSERT_EQUAL(200, clone.status);
		CPPUNIT_ASSERT(contains(data(clone), ":qmclone:9000:root@pam:"));
		// A valid ticket renews itself when sent as the password.
		std::string encodedTicket;
		Poco::URI::encode(ticket->getValue<std::string>("ticket"), "+/=:@!", encodedTicket);
		Reply renewal = call(server, "POST", "/api2/json/access/ticket", "username=root@pam&password=" + encodedTicket,
			Headers{});
		CPPUNIT_ASSERT_EQUAL(200, renewal.status);
		Reply badLogin = call(server, "POST", "/api2/json/access/ticket", "username=root@pam&password=x", Headers{});
		CPPUNIT_ASSERT_EQUAL(401, badLogin.status);
		CPPUNIT_ASSERT_EQUAL(std::string("authentication failure"), badLogin.reason);
	}

	void unknownPathNotImplemented()
	{
		FakeProxmoxServer server(fastOptions());
		Reply reply = call(server, "GET", "/api2/json/nodes/pve1/bogus");
		CPPUNIT_ASSERT_EQUAL(501, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Method 'GET /api2/json/nodes/pve1/bogus' not implemented"), reply.reason);
	}

	void bodyOnDeleteRejected()
	{
		FakeProxmoxServer server(fastOptions());
		Reply reply = call(server, "DELETE", "/api2/json/nodes/pve1/qemu/9000", "purge=1");
		CPPUNIT_ASSERT_EQUAL(501, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Unexpected content for method 'DELETE'"), reply.reason);
		CPPUNIT_ASSERT(server.cluster().hasVm(9000));
	}

	void unencodedValueTruncated()
	{
		FakeProxmoxServer server(fastOptions());
		server.cluster().createForeignVm(300, "pve1", "plain");
		// Unencoded, "hostpci0=mapping=a40,pcie=1" arrives as "mapping": a raw device only root@pam may set.
		Reply reply = call(server, "PUT", "/api2/json/nodes/pve1/qemu/300/config", "hostpci0=mapping=a40,pcie=1");
		CPPUNIT_ASSERT_EQUAL(500, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("only root can set 'hostpci0' config for non-mapped devices"), reply.reason);
		Reply encoded = call(server, "PUT", "/api2/json/nodes/pve1/qemu/300/config", "hostpci0=mapping%3Da40%2Cpcie%3D1");
		CPPUNIT_ASSERT_EQUAL(200, encoded.status);
		CPPUNIT_ASSERT_EQUAL(std::string("mapping=a40,pcie=1"), server.cluster().vmConfig(300)["hostpci0"]);
	}

	void semicolonSplitsPairs()
	{
		FakeProxmoxServer server(fastOptions());
		server.cluster().createForeignVm(300, "pve1", "plain");
		Reply reply = call(server, "PUT", "/api2/json/nodes/pve1/qemu/300/config", "ciuser=a;b");
		CPPUNIT_ASSERT_EQUAL(400, reply.status);
		CPPUNIT_ASSERT(contains(reply.json()->getObject("errors")->getValue<std::string>("b"),
			"property is not defined in schema"));
		Reply plus = call(server, "PUT", "/api2/json/nodes/pve1/qemu/300/config", "description=two+words");
		CPPUNIT_ASSERT_EQUAL(200, plus.status);
		CPPUNIT_ASSERT_EQUAL(std::string("two words"), server.cluster().vmConfig(300)["description"]);
	}

	void booleanMustBeOneOrZero()
	{
		FakeProxmoxServer server(fastOptions());
		Reply reply = call(server, "POST", "/api2/json/nodes/pve1/qemu/9000/clone", "newid=500&full=true");
		CPPUNIT_ASSERT_EQUAL(400, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("type check ('boolean') failed - got 'true'\n"),
			reply.json()->getObject("errors")->getValue<std::string>("full"));
	}

	void jsonBodyAccepted()
	{
		FakeProxmoxServer server(fastOptions());
		Headers headers;
		headers.authorization = "PVEAPIToken=" + server.token().id + "=" + server.token().secret;
		headers.contentType = "application/json";
		Reply reply = call(server, "POST", "/api2/json/nodes/pve1/qemu/9000/clone",
			"{\"newid\":500,\"full\":true,\"name\":\"json-clone\"}", headers);
		CPPUNIT_ASSERT_EQUAL(200, reply.status);
		CPPUNIT_ASSERT_EQUAL(std::string("OK"), waitTask(server, "pve1", data(reply)));
		CPPUNIT_ASSERT_EQUAL(std::string("json-clone"), server.cluster().vmConfig(500)["name"]);
	}

	void legacyErrorBody()
	{
		FakeProxmoxOptions options = fastOptions();
		options.version = FakeVersion::of("7.4.3");
		FakeProxmoxServer server(options);
		Reply reply = call(server, "GET", "/api2/json/nodes/pve1/qemu/999/config");
		CPPUNIT_ASSERT_EQUAL(std::string("{\"data\":null}"), reply.body);
	}

	void cloneLockBlocksConfig()
	{
		FakeProxmoxOptions options = fastOptions();
		options.cloneDuration = std::chrono::milliseconds(1500);
		FakeProxmoxServer server(options);
		Reply clone = call(server, "POST", "/api2/json/nodes/pve1/qemu/9000/clone", "newid=500&full=1");
		CPPUNIT_ASSERT_EQUAL(200, clone.status);
		Reply status = call(server, "GET", "/api2/json/nodes/pve1/qemu/500/status/current");
		CPPUNIT_ASSERT_EQUAL(std::string("clone"), status.json()->getObject("data")->getValue<std::string>("lock"));
		// The clone holds the flock longer than the 400 ms a config change waits for it.
		Reply config = call(server, "PUT", "/api2/json/nodes/pve1/qemu/500/config", "cores=4");
		CPPUNIT_ASSERT_EQUAL(500, config.status);
		CPPUNIT_ASSERT_EQUAL(std::string("can't lock file '/var/lock/qemu-server/lock-500.conf' - got timeout"),
			config.reason);
		Reply start = call(server, "POST", "/api2/json/nodes/pve1/qemu/500/status/start");
		CPPUNIT_ASSERT_EQUAL(std::string("can't lock file '/var/lock/qemu-server/lock-500.conf' - got timeout"),
			waitTask(server, "pve1", data(start)));
	}

	void taskOnWrongNode()
	{
		FakeProxmoxServer server(fastOptions());
		std::string upid = data(call(server, "POST", "/api2/json/nodes/pve1/qemu/9000/clone", "newid=500&full=1"));
		CPPUNIT_ASSERT(contains(upid, "UPID:pve1:"));
		Reply wrong = call(server, "GET", "/api2/json/nodes/pve2/tasks/" + upid + "/status");
		CPPUNIT_ASSERT_EQUAL(400, wrong.status);
		CPPUNIT_ASSERT_EQUAL(std::string("no such task\n"), wrong.json()->getObject("errors")->getValue<std::string>("upid"));
		Reply malformed = call(server, "GET", "/api2/json/nodes/pve1/tasks/UPID:nonsense/status");
		CPPUNIT_ASSERT_EQUAL(std::string("unable to parse worker upid\n"),
			malformed.json()->getObject("errors")->getValue<std::string>("upid"));
		Poco::JSON::Object::Ptr status
			= call(server, "GET", "/api2/json/nodes/pve1/tasks/" + upid + "/status").json()->getObject("data");
		CPPUNIT_ASSERT_EQUAL(std::string("gpucloud@pve"), status->getValue<std::string>("user"));
		CPPUNIT_ASSERT_EQUAL(std::string("plugin"), status->getValue<std::string>("tokenid"));
		CPPUNIT_ASSERT_EQUAL(std::string("9000"), status->getValue<std::string>("id"));
	}

	void resourcesLagAfterClone()
	{
		FakeProxmoxOptions options = fastOptions();
		options.resourcesLag = std::chrono::milliseconds(60000);
		FakeProxmoxServer server(options);
		call(server, "POST", "/api2/json/nodes/pve1/qemu/9000/clone", "newid=500&full=1&name=fresh");
		Poco::JSON::Array::Ptr vms = call(server, "GET", "/api2/json/cluster/resources?type=vm").json()->getArray("data");
		bool found = false;
		for (std::size_t i = 0; i < vms->size(); ++i)
		{
			Poco::JSON::Object::Ptr vm = vms->getObject(i);
			if (vm->getValue<int>("vmid") != 500)
				continue;
			found = true;
			CPPUNIT_ASSERT_EQUAL(std::string("unknown"), vm->getValue<std::string>("status"));
			CPPUNIT_ASSERT(!vm->has("name"));
		}
		CPPUNIT_ASSERT(found);
	}

	void agentReadinessTexts()
	{
		FakeProxmoxOptions options = fastOptions();
		options.agentReadyDelay = std::chrono::milliseconds(60000);
		FakeProxmoxServer server(options);
		server.cluster().createForeignVm(300, "pve1", "plain");
		const std::string agent = "/api2/json/nodes/pve1/qemu/300/agent/network-get-interfaces";
		CPPUNIT_ASSERT_EQUAL(std::string("No QEMU guest agent configured"), call(server, "GET", agent).reason);
		call(server, "PUT", "/api2/json/nodes/pve1/qemu/300/config", "agent=1");
		CPPUNIT_ASSERT_EQUAL(std::string("VM 300 is not running"), call(server, "GET", agent).reason);
		waitTask(server, "pve1", data(call(server, "POST", "/api2/json/nodes/pve1/qemu/300/status/start")));
		CPPUNIT_ASSERT_EQUAL(std::string("QEMU guest agent is not running"), call(server, "GET", agent).reason);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxmoxFakeServerTest);
