#include <algorithm>
#include <iostream>

#include "conformance_fixture.h"

namespace gpucloud::conformance
{

/// GPU passthrough: a GPU is held while its VM runs and free again after stop and destroy.
class GpuTest : public ConformanceFixture
{
	CPPUNIT_TEST_SUITE(GpuTest);
	CPPUNIT_TEST(heldWhileRunning);
	CPPUNIT_TEST(freeAfterStop);
	CPPUNIT_TEST(freeAfterDestroy);
	CPPUNIT_TEST(repeatedCycles);
	CPPUNIT_TEST(startWithHeldGpu);
	CPPUNIT_TEST(createWithHeldGpu);
	CPPUNIT_TEST_SUITE_END();

public:
	void heldWhileRunning()
	{
		auto slot = oneFreeGpu("heldWhileRunning");
		if (!slot)
			return;
		sdk::VmRef vm = createWithGpu(*slot);
		backend().startVm(vm);
		CPPUNIT_ASSERT_EQUAL(vm.vmId, gpuState(slot->node, slot->address).assignedVmId);
		auto gpus = backend().getVmStatus(vm).gpuAddresses;
		CPPUNIT_ASSERT_MESSAGE("getVmStatus() of a running VM does not list its GPU",
			std::find(gpus.begin(), gpus.end(), slot->address) != gpus.end());
	}

	void freeAfterStop()
	{
		auto slot = oneFreeGpu("freeAfterStop");
		if (!slot)
			return;
		sdk::VmRef vm = createWithGpu(*slot);
		backend().startVm(vm);
		backend().stopVm(vm, kGrace);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuState(slot->node, slot->address).assignedVmId);
	}

	void freeAfterDestroy()
	{
		auto slot = oneFreeGpu("freeAfterDestroy");
		if (!slot)
			return;
		sdk::VmRef vm = createWithGpu(*slot);
		backend().startVm(vm);
		backend().destroyVm(vm);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuState(slot->node, slot->address).assignedVmId);
	}

	void repeatedCycles()
	{
		auto slot = oneFreeGpu("repeatedCycles");
		if (!slot)
			return;
		sdk::VmRef first = createWithGpu(*slot);
		sdk::VmRef second = createWithGpu(*slot);
		for (int cycle = 0; cycle < 3; ++cycle)
		{
			for (const auto& vm : {first, second})
			{
				backend().startVm(vm);
				CPPUNIT_ASSERT_EQUAL(vm.vmId, gpuState(slot->node, slot->address).assignedVmId);
				backend().stopVm(vm, kGrace);
				CPPUNIT_ASSERT_EQUAL(std::string(), gpuState(slot->node, slot->address).assignedVmId);
			}
		}
	}

	void startWithHeldGpu()
	{
		auto slot = oneFreeGpu("startWithHeldGpu");
		if (!slot)
			return;
		sdk::VmRef holder = createWithGpu(*slot);
		sdk::VmRef other = createWithGpu(*slot);
		backend().startVm(holder);
		std::string message = expectError(sdk::ErrorKind::CapacityExhausted, [&] { backend().startVm(other); },
			"startVm of a VM whose GPU another running VM holds");
		CPPUNIT_ASSERT_MESSAGE("the error does not name the GPU: " + message,
			message.find(slot->address) != std::string::npos);
		backend().stopVm(holder, kGrace);
		backend().startVm(other);
		CPPUNIT_ASSERT_EQUAL(other.vmId, gpuState(slot->node, slot->address).assignedVmId);
	}

	void createWithHeldGpu()
	{
		auto slot = oneFreeGpu("createWithHeldGpu");
		if (!slot)
			return;
		sdk::VmRef holder = createWithGpu(*slot);
		backend().startVm(holder);
		sdk::VmSpec spec = newSpec(slot->node);
		spec.gpuAddresses = {slot->address};
		expectError(sdk::ErrorKind::CapacityExhausted, [&] { create(spec); },
			"createVm with a GPU that a running VM holds");
	}

private:
	/// Returns a free GPU, or nothing after checking that an undeclared capability raises NotSupported.
	std::optional<GpuSlot> oneFreeGpu(const std::string& check)
	{
		auto slots = freeGpus(1);
		if (!declared(sdk::Capability::GpuPassthrough))
		{
			reportNotDeclared(sdk::Capability::GpuPassthrough, check);
			sdk::VmSpec spec = newSpec();
			spec.gpuAddresses = {slots.empty() ? "0000:3b:00.0" : slots.front().address};
			expectError(sdk::ErrorKind::NotSupported, [&] { create(spec); }, "createVm with GPUs");
			return std::nullopt;
		}
		if (slots.empty())
		{
			std::clog << "\n  " << check << ": no free GPU on an online node with a template; nothing to check\n";
			return std::nullopt;
		}
		return slots.front();
	}

	sdk::VmRef createWithGpu(const GpuSlot& slot)
	{
		sdk::VmSpec spec = newSpec(slot.node);
		spec.gpuAddresses = {slot.address};
		return create(spec);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(GpuTest);

} // namespace gpucloud::conformance
