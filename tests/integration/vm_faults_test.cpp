#include <fstream>
#include <memory>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Data/Session.h>

#include "server_core.h"
#include "support/temp_dir.h"
#include "support/vm_api_user.h"

using namespace gpucloud;
using namespace gpucloud::testing;
using namespace Poco::Data::Keywords;

namespace
{

/// Keys for [backends.mock] (the last section of the base configuration), then the VM settings.
std::string ini(const std::string& mockKeys, const std::string& vmKeys = "")
{
	return mockKeys + R"(

[vms]
job_poll_interval_ms = 50
job_retry_base = 1
job_retry_max = 1
job_max_attempts = 100
reconcile_interval_ms = 200
status_poll_interval = 1
)" + vmKeys + R"(

[catalogue]
inventory_refresh_ms = 200
)";
}

std::string reasonOf(const Poco::JSON::Object::Ptr& vm)
{
	return vm->isNull("status_reason") ? "" : vm->getValue<std::string>("status_reason");
}

bool contains(const std::string& text, const std::string& fragment)
{
	return text.find(fragment) != std::string::npos;
}

void replaceAll(std::string& text, const std::string& from, const std::string& to)
{
	for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
		text.replace(at, from.size(), to);
}

} // namespace

class VmFaultsTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(VmFaultsTest);
	CPPUNIT_TEST(createFaultFailsVm);
	CPPUNIT_TEST(startFaultFailsVm);
	CPPUNIT_TEST(statusFaultFailsVm);
	CPPUNIT_TEST(stopFaultFailsVm);
	CPPUNIT_TEST(transientFaultRetried);
	CPPUNIT_TEST(deadlineFailsVm);
	CPPUNIT_TEST(lostVmGoesOffline);
	CPPUNIT_TEST(createResumesAfterRestart);
	CPPUNIT_TEST_SUITE_END();

public:
	void createFaultFailsVm()
	{
		expectFailure("fault.create_vm = fail fatal", "Provisioning failed");
	}

	void startFaultFailsVm()
	{
		expectFailure("fault.start_vm = fail invalid_request", "Provisioning failed");
	}

	void statusFaultFailsVm()
	{
		expectFailure("fault.get_vm_status = fail not_found", "Provisioning failed");
	}

	void stopFaultFailsVm()
	{
		TestServer server(ini("fault.stop_vm = fail fatal"));
		ApiUser user(server, "alice@example.com");
		user.addSshKey();
		std::string id = user.createVm(vmBody("vm01", "5090", 2));
		user.waitForStatus(id, "running");
		CPPUNIT_ASSERT_EQUAL(202, user.post("/vms/" + id + "/stop", "").status);
		Poco::JSON::Object::Ptr vm = user.waitForStatus(id, "failed");
		CPPUNIT_ASSERT_MESSAGE(reasonOf(vm), contains(reasonOf(vm), "Stop failed"));
		CPPUNIT_ASSERT_EQUAL(0L, static_cast<long>(allocationCount(server, id)));
	}

	void transientFaultRetried()
	{
		TestServer server(ini("fault.create_vm = fail unavailable on call 1\nfault.start_vm = fail conflict on call 1"));
		ApiUser user(server, "alice@example.com");
		user.addSshKey();
		std::string id = user.createVm(vmBody("vm01", "5090", 1));
		user.waitForStatus(id, "running");
		CPPUNIT_ASSERT_EQUAL(2L, static_cast<long>(jobAttempts(server, id)));
		CPPUNIT_ASSERT_EQUAL(1L, static_cast<long>(allocationCount(server, id)));
	}

	void deadlineFailsVm()
	{
		TestServer server(ini("fault.start_vm = fail unavailable", "create_timeout = 2"));
		ApiUser user(server, "alice@example.com");
		user.addSshKey();
		std::string id = user.createVm(vmBody("vm01", "5090", 1));
		Poco::JSON::Object::Ptr vm = user.waitForStatus(id, "failed");
		CPPUNIT_ASSERT_MESSAGE(reasonOf(vm), contains(reasonOf(vm), "Provisioning failed"));
		CPPUNIT_ASSERT_EQUAL(0L, static_cast<long>(allocationCount(server, id)));
	}

	void lostVmGoesOffline()
	{
		TestServer server(ini("fault.start_vm = lose", "offline_grace = 1"));
		ApiUser user(server, "alice@example.com");
		user.addSshKey();
		std::string id = user.createVm(vmBody("vm01", "5090", 1));
		// startVm succeeds and the VM then disappears, so the create job fails when it reads the status.
		user.waitForStatus(id, "failed");
		CPPUNIT_ASSERT_EQUAL(0L, static_cast<long>(allocationCount(server, id)));
	}

	void createResumesAfterRestart()
	{
		TempDir directory;
		std::string extra = ini("delay_ms.create_vm = 1500\nstate_file = @DATA@/mock-state.json");
		std::string text = TestServer::defaultIni() + "\n" + extra + "\n";
		replaceAll(text, "@DATA@", (directory.path() / "data").string());
		replaceAll(text, "@PLUGINS@", GPUCLOUD_PLUGIN_DIR);
		std::string configuration = directory.writeFile("gpucloud.ini", text).string();

		// TestServer owns its folder, and this test needs one that outlives a server: it runs the same
		// configuration through ServerCore on its own folder.
		std::string id;
		std::string token;
		auto core = std::make_unique<server::ServerCore>(server::loadConfigurationFile(configuration));
		core->start();
		HttpClient anonymous(core->port());
		std::string credentials = R"({"email": "alice@example.com", "password": "correct horse battery staple"})";
		HttpResult registered = anonymous.postJson("/auth/register", credentials);
		CPPUNIT_ASSERT_EQUAL(201, registered.status);
		token = anonymous.postJson("/auth/login", credentials).json()->getValue<std::string>("access_token");
		HttpClient client(core->port());
		client.setBearer(token);
		creditWithAdminRights(*core, client, registered.json()->getValue<Poco::Int64>("id"));
		CPPUNIT_ASSERT_EQUAL(201, client.postJson("/ssh-keys", std::string(R"({"ssh_public_key": ")") + kTestSshKey
			+ "\"}").status);
		HttpResult created = client.postJson("/vms", vmBody("vm01", "5090", 1));
		CPPUNIT_ASSERT_EQUAL(201, created.status);
		id = created.json()->getValue<std::string>("id");

		// Stop while the backend is still creating the VM: the worker finishes the call and gives the job back.
		CPPUNIT_ASSERT(eventually([&] { return jobState(*core, id) == "running"; }));
		core->stop();
		core.reset();

		auto second = std::make_unique<server::ServerCore>(server::loadConfigurationFile(configuration));
		second->start();
		HttpClient resumed(second->port());
		resumed.setBearer(token);
		bool running = eventually([&] {
			HttpResult vm = resumed.get("/vms/" + id);
			return vm.status == 200 && vm.json()->getValue<std::string>("status") == "running";
		});
		CPPUNIT_ASSERT_MESSAGE(resumed.get("/vms/" + id).body, running);
		Poco::JSON::Object::Ptr vm = resumed.get("/vms/" + id).json();
		CPPUNIT_ASSERT_EQUAL(1000L, static_cast<long>(vm->getValue<Poco::Int64>("vmid")));
		second->stop();
	}

private:
	void expectFailure(const std::string& fault, const std::string& reason)
	{
		TestServer server(ini(fault));
		ApiUser user(server, "alice@example.com");
		user.addSshKey();
		std::string id = user.createVm(vmBody("vm01", "5090", 2));
		Poco::JSON::Object::Ptr vm = user.waitForStatus(id, "failed");
		CPPUNIT_ASSERT_MESSAGE(reasonOf(vm), contains(reasonOf(vm), reason));
		CPPUNIT_ASSERT_EQUAL(0L, static_cast<long>(allocationCount(server, id)));
		// The failed VM gave its GPUs back: all 4 GPUs of the type can be taken again.
		std::string next = user.createVm(vmBody("vm01", "5090", 4));
		CPPUNIT_ASSERT(!next.empty());
	}

	static std::int64_t jobAttempts(TestServer& server, const std::string& vmId)
	{
		Poco::Data::Session session = server.core().context().database.session();
		std::string id = vmId;
		Poco::Int64 attempts = 0;
		session << "SELECT SUM(attempts) FROM jobs WHERE vm_id = $1", use(id), into(attempts), now;
		return attempts;
	}

	static std::string jobState(server::ServerCore& core, const std::string& vmId)
	{
		Poco::Data::Session session = core.context().database.session();
		std::string id = vmId;
		std::vector<std::string> states;
		session << "SELECT state FROM jobs WHERE vm_id = $1", use(id), into(states), now;
		return states.empty() ? "" : states.front();
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(VmFaultsTest);
