#include <algorithm>
#include <atomic>
#include <thread>

#include "conformance_fixture.h"

namespace gpucloud::conformance
{

namespace
{

constexpr int kThreads = 4;

/// Runs `work(i)` on kThreads threads at once and returns the messages of the exceptions they threw.
std::vector<std::string> runInParallel(const std::function<void(int)>& work)
{
	std::vector<std::string> failures(kThreads);
	std::atomic<int> ready{0};
	std::vector<std::thread> threads;
	for (int i = 0; i < kThreads; ++i)
	{
		threads.emplace_back([&, i] {
			++ready;
			while (ready.load() < kThreads)
				std::this_thread::yield();
			try
			{
				work(i);
			}
			catch (const std::exception& error)
			{
				failures[i] = error.what();
			}
		});
	}
	for (auto& thread : threads)
		thread.join();
	failures.erase(std::remove(failures.begin(), failures.end(), std::string()), failures.end());
	return failures;
}

std::string joined(const std::vector<std::string>& messages)
{
	std::string text;
	for (const auto& message : messages)
		text += "\n  " + message;
	return text;
}

} // namespace

/// Calls from several threads at once, as the server's worker pool makes them.
class ConcurrencyTest : public ConformanceFixture
{
	CPPUNIT_TEST_SUITE(ConcurrencyTest);
	CPPUNIT_TEST(parallelLifecycles);
	CPPUNIT_TEST(parallelSameCreate);
	CPPUNIT_TEST(contendedGpuStart);
	CPPUNIT_TEST_SUITE_END();

public:
	void parallelLifecycles()
	{
		std::vector<sdk::VmSpec> specs;
		for (int i = 0; i < kThreads; ++i)
			specs.push_back(newSpec());

		auto failures = runInParallel([&](int i) {
			sdk::CreatedVm created = backend().createVm(specs[i]);
			sdk::VmRef vm{specs[i].vmId, specs[i].node, created.backendId, {}};
			backend().startVm(vm);
			if (backend().getVmStatus(vm).power != sdk::PowerState::Running)
				throw std::runtime_error("VM '" + vm.vmId + "' is not running after startVm");
			backend().listVms();
			backend().listNodes();
			backend().stopVm(vm, kGrace);
			backend().destroyVm(vm);
		});
		CPPUNIT_ASSERT_MESSAGE("parallel lifecycles failed:" + joined(failures), failures.empty());

		for (const auto& vm : backend().listVms())
		{
			bool leftOver = std::any_of(specs.begin(), specs.end(), [&](const sdk::VmSpec& s) { return s.vmId == vm.vmId; });
			CPPUNIT_ASSERT_MESSAGE("VM '" + vm.vmId + "' is still listed after destroyVm", !leftOver);
		}
	}

	void parallelSameCreate()
	{
		sdk::VmSpec spec = newSpec();
		std::vector<std::string> backendIds(kThreads);
		auto failures = runInParallel([&](int i) { backendIds[i] = backend().createVm(spec).backendId; });
		CPPUNIT_ASSERT_MESSAGE("concurrent createVm of one VM id failed:" + joined(failures), failures.empty());
		for (const auto& id : backendIds)
			CPPUNIT_ASSERT_EQUAL(backendIds.front(), id);

		auto vms = backend().listVms();
		auto copies = std::count_if(vms.begin(), vms.end(), [&](const sdk::VmStatus& vm) { return vm.vmId == spec.vmId; });
		CPPUNIT_ASSERT_EQUAL(static_cast<long>(1), static_cast<long>(copies));
	}

	void contendedGpuStart()
	{
		auto slots = freeGpus(1);
		if (!declared(sdk::Capability::GpuPassthrough) || slots.empty())
		{
			std::clog << "\n  contendedGpuStart: no GPU passthrough or no free GPU; nothing to check\n";
			return;
		}
		std::vector<sdk::VmRef> vms;
		for (int i = 0; i < kThreads; ++i)
		{
			sdk::VmSpec spec = newSpec(slots.front().node);
			spec.gpuAddresses = {slots.front().address};
			vms.push_back(create(spec));
		}

		std::atomic<int> exhausted{0};
		auto failures = runInParallel([&](int i) {
			try
			{
				backend().startVm(vms[i]);
			}
			catch (const sdk::BackendError& error)
			{
				if (error.kind() != sdk::ErrorKind::CapacityExhausted)
					throw;
				++exhausted;
			}
		});
		CPPUNIT_ASSERT_MESSAGE("unexpected errors:" + joined(failures), failures.empty());
		CPPUNIT_ASSERT_EQUAL_MESSAGE("exactly one VM may start with the shared GPU", kThreads - 1, exhausted.load());

		int running = 0;
		for (const auto& vm : vms)
			running += backend().getVmStatus(vm).power == sdk::PowerState::Running ? 1 : 0;
		CPPUNIT_ASSERT_EQUAL(1, running);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConcurrencyTest);

} // namespace gpucloud::conformance
