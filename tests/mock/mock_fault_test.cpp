#include <atomic>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include "mock_harness.h"
#include "support/expect_throw.h"

using namespace gpucloud;
using namespace gpucloud::testing;
using sdk::BackendError;
using sdk::ErrorKind;
using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace
{

milliseconds elapsedSince(Clock::time_point start)
{
	return std::chrono::duration_cast<milliseconds>(Clock::now() - start);
}

} // namespace

class MockFaultTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MockFaultTest);
	CPPUNIT_TEST(failOnCall);
	CPPUNIT_TEST(failFromCall);
	CPPUNIT_TEST(failEveryCall);
	CPPUNIT_TEST(failEveryKind);
	CPPUNIT_TEST(failChangesNothing);
	CPPUNIT_TEST(countsPerOperation);
	CPPUNIT_TEST(delayFault);
	CPPUNIT_TEST(operationDelay);
	CPPUNIT_TEST(rulesInOrder);
	CPPUNIT_TEST(hangWithDuration);
	CPPUNIT_TEST(hangDefaultTimeout);
	CPPUNIT_TEST(hangKeepsOthersRunning);
	CPPUNIT_TEST(loseAfterStart);
	CPPUNIT_TEST(loseAfterCreate);
	CPPUNIT_TEST(healthFault);
	CPPUNIT_TEST_SUITE_END();

public:
	void failOnCall()
	{
		auto backend = loadMock(_host, {{"fault.start_vm", "fail unavailable on call 2"}});
		sdk::VmRef vm = create(*backend, "a1");
		backend->startVm(vm);
		auto error = expectThrow<BackendError>([&] { backend->startVm(vm); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::Unavailable);
		CPPUNIT_ASSERT(error.retryAfter().count() > 0);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "fail unavailable on call 2"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "startVm"));
		backend->startVm(vm);
	}

	void failFromCall()
	{
		auto backend = loadMock(_host, {{"fault.list_vms", "fail conflict from call 2"}});
		backend->listVms();
		for (int call = 2; call <= 4; ++call)
		{
			auto error = expectThrow<BackendError>([&] { backend->listVms(); }, "call " + std::to_string(call));
			CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::Conflict);
		}
	}

	void failEveryCall()
	{
		auto backend = loadMock(_host, {{"fault.list_nodes", "fail fatal"}});
		for (int call = 1; call <= 3; ++call)
		{
			auto error = expectThrow<BackendError>([&] { backend->listNodes(); }, "call " + std::to_string(call));
			CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::Fatal);
		}
	}

	void failEveryKind()
	{
		const ErrorKind kinds[] = {ErrorKind::NotFound, ErrorKind::Conflict, ErrorKind::Unavailable,
			ErrorKind::CapacityExhausted, ErrorKind::InvalidRequest, ErrorKind::NotSupported, ErrorKind::Fatal};
		for (ErrorKind kind : kinds)
		{
			std::string name = sdk::errorKindName(kind);
			auto backend = loadMock(_host, {{"fault.create_vm", "fail " + name + " on call 1"}});
			auto error = expectThrow<BackendError>([&] { backend->createVm(vmSpec("a1")); }, name);
			CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == kind);
		}
	}

	void failChangesNothing()
	{
		auto backend = loadMock(_host, {{"fault.create_vm", "fail unavailable on call 1"}});
		expectThrow<BackendError>([&] { backend->createVm(vmSpec("a1", "vm01", {kVm01First5090})); });
		CPPUNIT_ASSERT(backend->listVms().empty());
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*backend, "vm01", kVm01First5090));
		sdk::VmSpec spec = vmSpec("a1", "vm01", {kVm01First5090});
		backend->startVm(refTo(spec, backend->createVm(spec)));
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*backend, "vm01", kVm01First5090));
	}

	void countsPerOperation()
	{
		auto backend = loadMock(_host, {{"fault.stop_vm", "fail fatal on call 1"}});
		sdk::VmRef vm = create(*backend, "a1");
		backend->startVm(vm);
		auto error = expectThrow<BackendError>([&] { backend->stopVm(vm, std::chrono::seconds(0)); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::Fatal);
		backend->stopVm(vm, std::chrono::seconds(0));
	}

	void delayFault()
	{
		auto backend = loadMock(_host, {{"fault.list_nodes", "delay 150ms on call 2"}});
		backend->listNodes();
		Clock::time_point start = Clock::now();
		backend->listNodes();
		milliseconds delayed = elapsedSince(start);
		backend->listNodes();
		CPPUNIT_ASSERT_MESSAGE(std::to_string(delayed.count()) + " ms", delayed >= milliseconds(150));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _host.countAt(sdk::LogLevel::Warning));
		CPPUNIT_ASSERT(_host.logged("'delay 150ms on call 2'"));
	}

	void operationDelay()
	{
		auto backend = loadMock(_host, {{"delay_ms.create_vm", "120"}});
		Clock::time_point start = Clock::now();
		backend->createVm(vmSpec("a1"));
		milliseconds elapsed = elapsedSince(start);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(elapsed.count()) + " ms", elapsed >= milliseconds(120));
	}

	void rulesInOrder()
	{
		auto backend = loadMock(_host, {{"fault.list_vms", "delay 100ms on call 1; fail conflict on call 1"}});
		Clock::time_point start = Clock::now();
		auto error = expectThrow<BackendError>([&] { backend->listVms(); });
		milliseconds elapsed = elapsedSince(start);
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::Conflict);
		CPPUNIT_ASSERT_MESSAGE(std::to_string(elapsed.count()) + " ms", elapsed >= milliseconds(100));
		backend->listVms();
	}

	void hangWithDuration()
	{
		auto backend = loadMock(_host, {{"fault.get_vm_status", "hang 200ms on call 1"}});
		sdk::VmRef vm = create(*backend, "a1");
		Clock::time_point start = Clock::now();
		auto error = expectThrow<BackendError>([&] { backend->getVmStatus(vm); });
		milliseconds elapsed = elapsedSince(start);
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::Unavailable);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "timed out after 200 ms"));
		CPPUNIT_ASSERT_MESSAGE(std::to_string(elapsed.count()) + " ms", elapsed >= milliseconds(200));
		CPPUNIT_ASSERT(backend->getVmStatus(vm).power == sdk::PowerState::Stopped);
	}

	void hangDefaultTimeout()
	{
		auto backend = loadMock(_host, {{"hang_timeout_ms", "150"}, {"fault.destroy_vm", "hang"}});
		sdk::VmRef vm = create(*backend, "a1");
		Clock::time_point start = Clock::now();
		auto error = expectThrow<BackendError>([&] { backend->destroyVm(vm); });
		milliseconds elapsed = elapsedSince(start);
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::Unavailable);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "timed out after 150 ms"));
		CPPUNIT_ASSERT_MESSAGE(std::to_string(elapsed.count()) + " ms", elapsed >= milliseconds(150));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), backend->listVms().size());
	}

	void hangKeepsOthersRunning()
	{
		// A hung call must not hold the backend's lock: other calls go on while it waits.
		auto backend = loadMock(_host, {{"fault.get_vm_status", "hang 3s on call 1"}});
		sdk::VmRef vm = create(*backend, "a1");
		std::atomic<bool> hangEnded{false};
		std::thread hung([&] {
			try
			{
				backend->getVmStatus(vm);
			}
			catch (const BackendError&)
			{
			}
			hangEnded = true;
		});
		Clock::time_point deadline = Clock::now() + std::chrono::seconds(2);
		while (!_host.logged("'hang 3000ms on call 1'") && Clock::now() < deadline)
			std::this_thread::sleep_for(milliseconds(5));
		bool hangStarted = _host.logged("'hang 3000ms on call 1'");
		backend->startVm(vm);
		bool finishedFirst = !hangEnded;
		hung.join();
		CPPUNIT_ASSERT(hangStarted);
		CPPUNIT_ASSERT(finishedFirst);
		CPPUNIT_ASSERT(hangEnded);
	}

	void loseAfterStart()
	{
		auto backend = loadMock(_host, {{"fault.start_vm", "lose on call 1"}});
		sdk::VmRef vm = create(*backend, "a1", {kVm01First5090});
		backend->startVm(vm);
		auto error = expectThrow<BackendError>([&] { backend->getVmStatus(vm); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::NotFound);
		CPPUNIT_ASSERT(backend->listVms().empty());
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*backend, "vm01", kVm01First5090));
		backend->destroyVm(vm);
		CPPUNIT_ASSERT(_host.logged("Lost VM 'a1'"));
	}

	void loseAfterCreate()
	{
		auto backend = loadMock(_host, {{"fault.create_vm", "lose on call 2"}});
		sdk::VmRef kept = create(*backend, "a1");
		sdk::VmSpec spec = vmSpec("a2");
		sdk::CreatedVm created = backend->createVm(spec);
		CPPUNIT_ASSERT(!created.backendId.empty());
		std::vector<sdk::VmStatus> vms = backend->listVms();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), vms.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), vms[0].vmId);
		auto error = expectThrow<BackendError>([&] { backend->getVmStatus(refTo(spec, created)); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::NotFound);
	}

	void healthFault()
	{
		auto backend = loadMock(_host, {{"fault.check_health", "fail unavailable on call 1"}});
		sdk::HealthReport report = backend->checkHealth();
		CPPUNIT_ASSERT(!report.healthy);
		CPPUNIT_ASSERT_MESSAGE(report.detail, contains(report.detail, "fail unavailable on call 1"));
		CPPUNIT_ASSERT(backend->checkHealth().healthy);
	}

private:
	sdk::VmRef create(sdk::HypervisorBackend& backend, const std::string& vmId,
		const std::vector<std::string>& gpus = {})
	{
		sdk::VmSpec spec = vmSpec(vmId, "vm01", gpus);
		return refTo(spec, backend.createVm(spec));
	}

	RecordingHost _host;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MockFaultTest);
