#include <algorithm>

#include "conformance_fixture.h"

namespace gpucloud::conformance
{

namespace
{

sdk::PowerState powerOf(sdk::HypervisorBackend& backend, const sdk::VmRef& vm)
{
	return backend.getVmStatus(vm).power;
}

std::string powerName(sdk::PowerState power)
{
	switch (power)
	{
	case sdk::PowerState::Running: return "running";
	case sdk::PowerState::Stopped: return "stopped";
	case sdk::PowerState::Paused: return "paused";
	case sdk::PowerState::Unknown: break;
	}
	return "unknown";
}

} // namespace

/// createVm, startVm, stopVm, rebootVm, resizeDisk and destroyVm.
class LifecycleTest : public ConformanceFixture
{
	CPPUNIT_TEST_SUITE(LifecycleTest);
	CPPUNIT_TEST(createLeavesStopped);
	CPPUNIT_TEST(createIsIdempotent);
	CPPUNIT_TEST(startAndStop);
	CPPUNIT_TEST(startTwice);
	CPPUNIT_TEST(stopTwice);
	CPPUNIT_TEST(stopWithoutGrace);
	CPPUNIT_TEST(rebootRunning);
	CPPUNIT_TEST(rebootStoppedConflict);
	CPPUNIT_TEST(resizeStopped);
	CPPUNIT_TEST(resizeBelowCurrent);
	CPPUNIT_TEST(resizeRunning);
	CPPUNIT_TEST(destroyRemoves);
	CPPUNIT_TEST(destroyRunning);
	CPPUNIT_TEST(destroyIsIdempotent);
	CPPUNIT_TEST(destroyUnknownSucceeds);
	CPPUNIT_TEST(credentialsNeedCloudInit);
	CPPUNIT_TEST_SUITE_END();

public:
	void createLeavesStopped()
	{
		sdk::VmRef vm = create(newSpec());
		sdk::VmStatus status = backend().getVmStatus(vm);
		CPPUNIT_ASSERT_EQUAL(std::string("stopped"), powerName(status.power));
		CPPUNIT_ASSERT_EQUAL(vm.vmId, status.vmId);
		CPPUNIT_ASSERT_EQUAL(vm.backendId, status.backendId);
	}

	void createIsIdempotent()
	{
		sdk::VmSpec spec = newSpec();
		sdk::VmRef first = create(spec);
		sdk::VmRef second = create(spec);
		CPPUNIT_ASSERT_EQUAL(first.backendId, second.backendId);
		auto vms = backend().listVms();
		auto copies = std::count_if(vms.begin(), vms.end(), [&](const sdk::VmStatus& vm) { return vm.vmId == spec.vmId; });
		CPPUNIT_ASSERT_EQUAL(static_cast<long>(1), static_cast<long>(copies));
	}

	void startAndStop()
	{
		sdk::VmRef vm = create(newSpec());
		backend().startVm(vm);
		CPPUNIT_ASSERT_EQUAL(std::string("running"), powerName(powerOf(backend(), vm)));
		backend().stopVm(vm, kGrace);
		CPPUNIT_ASSERT_EQUAL(std::string("stopped"), powerName(powerOf(backend(), vm)));
	}

	void startTwice()
	{
		sdk::VmRef vm = create(newSpec());
		backend().startVm(vm);
		backend().startVm(vm);
		CPPUNIT_ASSERT_EQUAL(std::string("running"), powerName(powerOf(backend(), vm)));
	}

	void stopTwice()
	{
		sdk::VmRef vm = create(newSpec());
		backend().startVm(vm);
		backend().stopVm(vm, kGrace);
		backend().stopVm(vm, kGrace);
		CPPUNIT_ASSERT_EQUAL(std::string("stopped"), powerName(powerOf(backend(), vm)));
	}

	void stopWithoutGrace()
	{
		sdk::VmRef vm = create(newSpec());
		backend().startVm(vm);
		backend().stopVm(vm, std::chrono::seconds(0));
		CPPUNIT_ASSERT_EQUAL(std::string("stopped"), powerName(powerOf(backend(), vm)));
	}

	void rebootRunning()
	{
		sdk::VmRef vm = create(newSpec());
		backend().startVm(vm);
		if (!declared(sdk::Capability::Reboot))
		{
			reportNotDeclared(sdk::Capability::Reboot, "rebootVm");
			expectError(sdk::ErrorKind::NotSupported, [&] { backend().rebootVm(vm); }, "rebootVm without the capability");
			return;
		}
		backend().rebootVm(vm);
		CPPUNIT_ASSERT(eventually([&] { return powerOf(backend(), vm) == sdk::PowerState::Running; }));
	}

	void rebootStoppedConflict()
	{
		sdk::VmRef vm = create(newSpec());
		sdk::ErrorKind expected = declared(sdk::Capability::Reboot) ? sdk::ErrorKind::Conflict
																	 : sdk::ErrorKind::NotSupported;
		expectError(expected, [&] { backend().rebootVm(vm); }, "rebootVm of a stopped VM");
	}

	void resizeStopped()
	{
		sdk::VmSpec spec = newSpec();
		sdk::VmRef vm = create(spec);
		if (!declared(sdk::Capability::DiskResize))
		{
			reportNotDeclared(sdk::Capability::DiskResize, "resizeDisk");
			expectError(sdk::ErrorKind::NotSupported, [&] { backend().resizeDisk(vm, spec.diskGb + 5); },
				"resizeDisk without the capability");
			return;
		}
		backend().resizeDisk(vm, spec.diskGb + 5);
		CPPUNIT_ASSERT_EQUAL(spec.diskGb + 5, backend().getVmStatus(vm).diskGb);
	}

	void resizeBelowCurrent()
	{
		sdk::VmSpec spec = newSpec();
		sdk::VmRef vm = create(spec);
		sdk::ErrorKind expected = declared(sdk::Capability::DiskResize) ? sdk::ErrorKind::InvalidRequest
																		 : sdk::ErrorKind::NotSupported;
		expectError(expected, [&] { backend().resizeDisk(vm, spec.diskGb - 1); }, "resizeDisk below the current size");
	}

	void resizeRunning()
	{
		sdk::VmSpec spec = newSpec();
		sdk::VmRef vm = create(spec);
		backend().startVm(vm);
		if (!declared(sdk::Capability::OnlineDiskResize))
		{
			reportNotDeclared(sdk::Capability::OnlineDiskResize, "resizeDisk of a running VM");
			expectError(sdk::ErrorKind::NotSupported, [&] { backend().resizeDisk(vm, spec.diskGb + 5); },
				"resizeDisk of a running VM without the capability");
			return;
		}
		backend().resizeDisk(vm, spec.diskGb + 5);
		CPPUNIT_ASSERT_EQUAL(spec.diskGb + 5, backend().getVmStatus(vm).diskGb);
	}

	void destroyRemoves()
	{
		sdk::VmRef vm = create(newSpec());
		backend().destroyVm(vm);
		expectError(sdk::ErrorKind::NotFound, [&] { backend().getVmStatus(vm); }, "getVmStatus after destroyVm");
		auto vms = backend().listVms();
		CPPUNIT_ASSERT(std::none_of(vms.begin(), vms.end(), [&](const sdk::VmStatus& s) { return s.vmId == vm.vmId; }));
	}

	void destroyRunning()
	{
		sdk::VmRef vm = create(newSpec());
		backend().startVm(vm);
		backend().destroyVm(vm);
		expectError(sdk::ErrorKind::NotFound, [&] { backend().getVmStatus(vm); }, "getVmStatus after destroyVm");
	}

	void destroyIsIdempotent()
	{
		sdk::VmRef vm = create(newSpec());
		backend().destroyVm(vm);
		backend().destroyVm(vm);
		backend().destroyVm(sdk::VmRef{vm.vmId, vm.node, "", {}});
		expectError(sdk::ErrorKind::NotFound, [&] { backend().getVmStatus(vm); }, "getVmStatus after destroyVm");
	}

	void destroyUnknownSucceeds()
	{
		backend().destroyVm(sdk::VmRef{randomVmId(), workNode().name, "", {}});
	}

	void credentialsNeedCloudInit()
	{
		sdk::VmSpec spec = newSpec();
		spec.credentials.sshPublicKeys = {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIA conformance"};
		spec.credentials.password = "not-logged-conformance-password";
		if (!declared(sdk::Capability::CloudInit))
		{
			reportNotDeclared(sdk::Capability::CloudInit, "createVm with credentials");
			expectError(sdk::ErrorKind::NotSupported, [&] { create(spec); }, "createVm with credentials");
			return;
		}
		sdk::VmRef vm = create(spec);
		CPPUNIT_ASSERT_EQUAL(spec.vmId, backend().getVmStatus(vm).vmId);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(LifecycleTest);

} // namespace gpucloud::conformance
