#include <algorithm>

#include "conformance_fixture.h"

namespace gpucloud::conformance
{

/// getVmStatus() and listVms().
class ObservationTest : public ConformanceFixture
{
	CPPUNIT_TEST_SUITE(ObservationTest);
	CPPUNIT_TEST(unknownVmNotFound);
	CPPUNIT_TEST(findByVmId);
	CPPUNIT_TEST(listReportsVmId);
	CPPUNIT_TEST(listReportsPower);
	CPPUNIT_TEST(guestAddresses);
	CPPUNIT_TEST(usageMetrics);
	CPPUNIT_TEST_SUITE_END();

public:
	void unknownVmNotFound()
	{
		std::string vmId = randomVmId();
		std::string message = expectError(sdk::ErrorKind::NotFound,
			[&] { backend().getVmStatus(sdk::VmRef{vmId, workNode().name, "", {}}); }, "getVmStatus of an unknown VM");
		CPPUNIT_ASSERT_MESSAGE("the error does not name the VM: " + message, message.find(vmId) != std::string::npos);
	}

	void findByVmId()
	{
		sdk::VmRef vm = create(newSpec());
		sdk::VmStatus status = backend().getVmStatus(sdk::VmRef{vm.vmId, vm.node, "", {}});
		CPPUNIT_ASSERT_EQUAL(vm.backendId, status.backendId);
		CPPUNIT_ASSERT_EQUAL(vm.node, status.node);
	}

	void listReportsVmId()
	{
		sdk::VmRef vm = create(newSpec());
		auto vms = backend().listVms();
		auto found = std::find_if(vms.begin(), vms.end(), [&](const sdk::VmStatus& s) { return s.vmId == vm.vmId; });
		CPPUNIT_ASSERT_MESSAGE("listVms() does not report the created VM", found != vms.end());
		CPPUNIT_ASSERT_EQUAL(vm.backendId, found->backendId);
		CPPUNIT_ASSERT_EQUAL(vm.node, found->node);
	}

	void listReportsPower()
	{
		sdk::VmRef vm = create(newSpec());
		backend().startVm(vm);
		auto vms = backend().listVms();
		auto found = std::find_if(vms.begin(), vms.end(), [&](const sdk::VmStatus& s) { return s.vmId == vm.vmId; });
		CPPUNIT_ASSERT_MESSAGE("listVms() does not report the created VM", found != vms.end());
		CPPUNIT_ASSERT(found->power == sdk::PowerState::Running);
	}

	void guestAddresses()
	{
		sdk::VmRef vm = create(newSpec());
		backend().startVm(vm);
		if (!declared(sdk::Capability::GuestIpReporting))
		{
			reportNotDeclared(sdk::Capability::GuestIpReporting, "guest IP addresses", false);
			return;
		}
		CPPUNIT_ASSERT_MESSAGE("a running VM reports no IP address within 30 s",
			eventually([&] { return !backend().getVmStatus(vm).ipAddresses.empty(); }));
	}

	void usageMetrics()
	{
		sdk::VmRef vm = create(newSpec());
		backend().startVm(vm);
		if (!declared(sdk::Capability::Metrics))
		{
			reportNotDeclared(sdk::Capability::Metrics, "CPU and RAM use", false);
			return;
		}
		CPPUNIT_ASSERT_MESSAGE("a running VM reports no CPU and RAM use within 30 s", eventually([&] {
			sdk::VmStatus status = backend().getVmStatus(vm);
			return status.cpuPercent >= 0 && status.ramPercent >= 0;
		}));
		sdk::VmStatus status = backend().getVmStatus(vm);
		CPPUNIT_ASSERT(status.cpuPercent <= 100);
		CPPUNIT_ASSERT(status.ramPercent <= 100);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ObservationTest);

} // namespace gpucloud::conformance
