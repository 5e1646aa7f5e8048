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
				sdk::VmSpec spec = vmSpec("t" + std::to_string(thread) + "-" + std::to_string(i), "vm01",
					{kContestedGpus[gpu]});
				try
				{
					sdk::VmRef vm = refTo(spec, backend->createVm(spec));
					claim(gpu, thread);
					backend->startVm(vm);
					backend->getVmStatus(vm);
					holders[gpu] = 0;
					backend->stopVm(vm, std::chrono::seconds(0));
					try
					{
						backend->startVm(vm);
						claim(gpu, thread);
						holders[gpu] = 0;
					}
					catch (const BackendError& error)
					{
						if (error.kind() != ErrorKind::CapacityExhausted)
							++unexpectedErrors;
					}
					backend->destroyVm(vm);
				}
				catch (const BackendError& error)
				{
					if (error.kind() != ErrorKind::CapacityExhausted)
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
	RecordingHost _host;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MockConcurrencyTest);
