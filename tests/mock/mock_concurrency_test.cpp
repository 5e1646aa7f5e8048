#include <atomic>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include "mock_harness.h"

using namespace gpucloud;
using namespace gpucloud::testing;
using sdk::BackendError;
using sdk::ErrorKind;

namespace
{

constexpr int kThreads = 8;
constexpr int kIterations = 300;

// The four RTX 5090 of vm01, shared by every thread so that they compete.
const std::vector<std::string> kContestedGpus = {"0000:01:00.0", "0000:11:00.0", "0000:21:00.0", "0000:31:00.0"};

} // namespace

class MockConcurrencyTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MockConcurrencyTest);
	CPPUNIT_TEST(noGpuHeldTwice);
	CPPUNIT_TEST(contendedStart);
	CPPUNIT_TEST(concurrentCreateSameId);
	CPPUNIT_TEST_SUITE_END();

public:
	void noGpuHeldTwice()
	{
		auto backend = loadMock(_host);
		// holders[i] is the thread (1-based) that the backend last granted GPU i to, or 0. A thread claims a GPU
		// right after the backend granted it and clears its claim right before it calls the backend to free it, so
		// a failed claim means that the backend granted one GPU to two VMs at once.
		std::vector<std::atomic<int>> holders(kContestedGpus.size());
		std::atomic<int> doubleGrants{0};
		std::atomic<int> granted{0};
		std::atomic<int> unexpectedErrors{0};

		auto claim = [&](std::size_t gpu, int thread) {
			int expected = 0;
			if (!holders[gpu].compare_exchange_strong(expected, thread))
				++doubleGrants;
			++granted;
		};

		auto worker = [&](int thread) {
			for (int i = 0; i < kIterations; ++i)
			{
				std::size_t gpu = static_cast<std::size_t>(thread + i) % kContestedGpus.size();
				std::size_t other = (gpu + 1) % kContestedGpus.size();
				sdk::VmSpec spec = vmSpec("t" + std::to_string(thread) + "-" + std::to_string(i), "vm01",
					{kContestedGpus[gpu]});
				try
				{
					sdk::VmRef vm = refTo(spec, backend->createVm(spec));
					if (tryStart(*backend, vm, unexpectedErrors))
					{
						claim(gpu, thread);
						backend->getVmStatus(vm);
						holders[gpu] = 0;
						backend->stopVm(vm, std::chrono::seconds(0));
					}
					vm.gpuAddresses = {kContestedGpus[other]};
					if (tryStart(*backend, vm, unexpectedErrors))
					{
						claim(other, thread);
						holders[other] = 0;
					}
					backend->destroyVm(vm);
				}
				catch (const BackendError&)
				{
					++unexpectedErrors;
				}
				backend->listVms();
			}
		};

		std::vector<std::thread> threads;
		for (int thread = 1; thread <= kThreads; ++thread)
			threads.emplace_back(worker, thread);
		for (std::thread& thread : threads)
			thread.join();

		CPPUNIT_ASSERT_EQUAL(0, doubleGrants.load());
		CPPUNIT_ASSERT_EQUAL(0, unexpectedErrors.load());
		CPPUNIT_ASSERT(granted.load() > 0);
		CPPUNIT_ASSERT(backend->listVms().empty());
		for (const std::string& address : kContestedGpus)
			CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*backend, "vm01", address));
	}

	void contendedStart()
	{
		auto backend = loadMock(_host, {{"delay_ms.start_vm", "5"}});
		std::vector<sdk::VmRef> vms;
		for (int thread = 0; thread < kThreads; ++thread)
		{
			sdk::VmSpec spec = vmSpec("c" + std::to_string(thread), "vm01", {kVm01First5090});
			vms.push_back(refTo(spec, backend->createVm(spec)));
		}
		std::atomic<bool> go{false};
		std::atomic<int> started{0};
		std::atomic<int> exhausted{0};
		std::vector<std::thread> threads;
		for (int thread = 0; thread < kThreads; ++thread)
		{
			threads.emplace_back([&, thread] {
				while (!go)
					std::this_thread::yield();
				try
				{
					backend->startVm(vms[static_cast<std::size_t>(thread)]);
					++started;
				}
				catch (const BackendError& error)
				{
					if (error.kind() == ErrorKind::CapacityExhausted)
						++exhausted;
				}
			});
		}
		go = true;
		for (std::thread& thread : threads)
			thread.join();

		CPPUNIT_ASSERT_EQUAL(1, started.load());
		CPPUNIT_ASSERT_EQUAL(kThreads - 1, exhausted.load());
		std::string holder = gpuHolder(*backend, "vm01", kVm01First5090);
		int running = 0;
		for (const sdk::VmRef& vm : vms)
		{
			if (backend->getVmStatus(vm).power == sdk::PowerState::Running)
			{
				++running;
				CPPUNIT_ASSERT_EQUAL(vm.vmId, holder);
			}
		}
		CPPUNIT_ASSERT_EQUAL(1, running);
	}

	void concurrentCreateSameId()
	{
		auto backend = loadMock(_host, {{"delay_ms.create_vm", "5"}});
		sdk::VmSpec spec = vmSpec("retried", "vm01", {kVm01First5090});
		std::vector<std::string> backendIds(kThreads);
		std::vector<std::thread> threads;
		for (int thread = 0; thread < kThreads; ++thread)
			threads.emplace_back([&, thread] { backendIds[thread] = backend->createVm(spec).backendId; });
		for (std::thread& thread : threads)
			thread.join();

		for (const std::string& backendId : backendIds)
			CPPUNIT_ASSERT_EQUAL(backendIds[0], backendId);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), backend->listVms().size());
	}

private:
	/// Starts the VM; returns false when a GPU is held by another VM, and counts any other error as unexpected.
	static bool tryStart(sdk::HypervisorBackend& backend, const sdk::VmRef& vm, std::atomic<int>& unexpectedErrors)
	{
		try
		{
			backend.startVm(vm);
			return true;
		}
		catch (const BackendError& error)
		{
			if (error.kind() != ErrorKind::CapacityExhausted)
				++unexpectedErrors;
			return false;
		}
	}

	RecordingHost _host;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MockConcurrencyTest);
