#include <atomic>
#include <memory>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/JSON/Array.h>

#include "support/vm_api_user.h"

using namespace gpucloud::testing;

namespace
{

const char* kIni = R"(
[vms]
job_poll_interval_ms = 50
job_retry_base = 1
reconcile_interval_ms = 100
status_poll_interval = 1

[catalogue]
inventory_refresh_ms = 200
)";

} // namespace

class VmSchedulingTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(VmSchedulingTest);
	CPPUNIT_TEST(concurrentCreatesTakeEachGpuOnce);
	CPPUNIT_TEST(onDemandPreemptsInterruptible);
	CPPUNIT_TEST(interruptibleDoesNotPreempt);
	CPPUNIT_TEST(interruptedVmRestartsWhenGpusFree);
	CPPUNIT_TEST(startConflictsWhenGpusTaken);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_server = std::make_unique<TestServer>(kIni);
		_user = std::make_unique<ApiUser>(*_server, "alice@example.com", 100);
		_user->addSshKey();
	}

	void tearDown() override
	{
		_user.reset();
		_server.reset();
	}

	void concurrentCreatesTakeEachGpuOnce()
	{
		// vm02 of the mock has 2 GPUs of type 5090: of N + 3 concurrent requests, exactly N succeed.
		const int freeGpus = 2;
		const int requests = freeGpus + 3;
		std::atomic<int> created{0};
		std::atomic<int> conflicts{0};
		std::atomic<int> other{0};
		std::vector<std::thread> clients;
		for (int i = 0; i < requests; ++i)
		{
			clients.emplace_back([&] {
				HttpResult result = _user->post("/vms", vmBody("vm02", "5090", 1));
				if (result.status == 201)
					++created;
				else if (result.status == 409)
					++conflicts;
				else
					++other;
			});
		}
		for (std::thread& client : clients)
			client.join();
		CPPUNIT_ASSERT_EQUAL(freeGpus, created.load());
		CPPUNIT_ASSERT_EQUAL(3, conflicts.load());
		CPPUNIT_ASSERT_EQUAL(0, other.load());

		Poco::JSON::Array::Ptr vms = _user->get("/vms").jsonArray();
		for (std::size_t i = 0; i < vms->size(); ++i)
			_user->waitForStatus(vms->getObject(static_cast<unsigned>(i))->getValue<std::string>("id"), "running");
	}

	void onDemandPreemptsInterruptible()
	{
		std::string spot = _user->createVm(vmBody("vm02", "5090", 2, R"("rental_type": "interruptible")"));
		_user->waitForStatus(spot, "running");

		std::string onDemand = _user->createVm(vmBody("vm02", "5090", 1));
		Poco::JSON::Object::Ptr interrupted = _user->waitForStatus(spot, "interrupted");
		CPPUNIT_ASSERT(interrupted->getValue<std::string>("status_reason").find("Preempted") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0L, static_cast<long>(allocationCount(*_server, spot)));
		_user->waitForStatus(onDemand, "running");
		CPPUNIT_ASSERT_EQUAL(1L, static_cast<long>(allocationCount(*_server, onDemand)));
	}

	void interruptibleDoesNotPreempt()
	{
		std::string first = _user->createVm(vmBody("vm02", "5090", 2, R"("rental_type": "interruptible")"));
		HttpResult second = _user->post("/vms", vmBody("vm02", "5090", 1, R"("rental_type": "interruptible")"));
		CPPUNIT_ASSERT_EQUAL(409, second.status);
		_user->waitForStatus(first, "running");
	}

	void interruptedVmRestartsWhenGpusFree()
	{
		std::string spot = _user->createVm(vmBody("vm02", "5090", 2,
			R"("rental_type": "interruptible", "auto_restart": true)"));
		_user->waitForStatus(spot, "running");
		std::string onDemand = _user->createVm(vmBody("vm02", "5090", 2));
		_user->waitForStatus(spot, "interrupted");
		_user->waitForStatus(onDemand, "running");

		CPPUNIT_ASSERT_EQUAL(202, _user->remove("/vms/" + onDemand).status);
		_user->waitForStatus(spot, "running");
		CPPUNIT_ASSERT_EQUAL(2L, static_cast<long>(allocationCount(*_server, spot)));
	}

	void startConflictsWhenGpusTaken()
	{
		std::string first = _user->createVm(vmBody("vm02", "6000pro", 2));
		_user->waitForStatus(first, "running");
		_user->post("/vms/" + first + "/stop", "");
		_user->waitForStatus(first, "stopped");

		std::string second = _user->createVm(vmBody("vm02", "6000pro", 1));
		HttpResult start = _user->post("/vms/" + first + "/start", "");
		CPPUNIT_ASSERT_EQUAL(409, start.status);
		CPPUNIT_ASSERT(start.json()->getValue<std::string>("detail").find("Not enough free GPUs") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("stopped"), _user->get("/vms/" + first).json()->getValue<std::string>("status"));

		_user->remove("/vms/" + second);
		CPPUNIT_ASSERT(eventually([&] { return allocationCount(*_server, second) == 0; }));
		CPPUNIT_ASSERT_EQUAL(202, _user->post("/vms/" + first + "/start", "").status);
		_user->waitForStatus(first, "running");
	}

private:
	std::unique_ptr<TestServer> _server;
	std::unique_ptr<ApiUser> _user;
};

CPPUNIT_TEST_SUITE_REGISTRATION(VmSchedulingTest);
