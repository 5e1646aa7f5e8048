#include <algorithm>
#include <iostream>

#include "conformance_fixture.h"

namespace gpucloud::conformance
{

/// GPU passthrough: a VM holds its GPUs only while it runs. createVm records them without holding them, startVm
/// takes the GPUs the server names in VmRef::gpuAddresses (or the recorded ones), stop and destroy free them.
class GpuTest : public ConformanceFixture
{
	CPPUNIT_TEST_SUITE(GpuTest);
	CPPUNIT_TEST(freeUntilStart);
	CPPUNIT_TEST(heldWhileRunning);
	CPPUNIT_TEST(freeAfterStop);
	CPPUNIT_TEST(freeAfterDestroy);
	CPPUNIT_TEST(repeatedCycles);
	CPPUNIT_TEST(startWithHeldGpu);
	CPPUNIT_TEST(createWithHeldGpu);
	CPPUNIT_TEST(startWithOtherGpu);
	CPPUNIT_TEST(startWithUnknownGpu);
	CPPUNIT_TEST_SUITE_END();

public:
	void freeUntilStart()
	{
		auto slot = oneFreeGpu("freeUntilStart");
		if (!slot)
			return;
		sdk::VmRef vm = createWithGpu(*slot);
		CPPUNIT_ASSERT_EQUAL_MESSAGE("createVm took the GPU of a VM that is not running", std::string(),
			gpuState(slot->node, slot->address).assignedVmId);
		CPPUNIT_ASSERT_MESSAGE("getVmStatus() of a stopped VM lists GPUs", backend().getVmStatus(vm).gpuAddresses.empty());
	}

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
		sdk::VmRef other = createWithGpu(*slot);
		CPPUNIT_ASSERT_EQUAL(holder.vmId, gpuState(slot->node, slot->address).assignedVmId);
		std::string message = expectError(sdk::ErrorKind::CapacityExhausted, [&] { backend().startVm(other); },
			"startVm of a VM created with a GPU that a running VM holds");
		CPPUNIT_ASSERT_MESSAGE("the error does not name the GPU: " + message,
			message.find(slot->address) != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE("a start that failed left the VM running",
			backend().getVmStatus(other).power == sdk::PowerState::Stopped);
	}

	void startWithOtherGpu()
	{
		if (!declared(sdk::Capability::GpuPassthrough))
		{
			reportNotDeclared(sdk::Capability::GpuPassthrough, "startWithOtherGpu", false);
			return;
		}
		auto slots = freeGpus(2);
		if (slots.size() < 2)
		{
			std::clog << "\n  startWithOtherGpu: no online node with a template has two free GPUs; nothing to check\n";
			return;
		}
		const GpuSlot& first = slots[0];
		const GpuSlot& second = slots[1];
		sdk::VmRef vm = createWithGpu(first);
		backend().startVm(vm);
		backend().stopVm(vm, kGrace);

		sdk::VmRef moved = vm;
		moved.gpuAddresses = {second.address};
		backend().startVm(moved);
		auto gpus = backend().getVmStatus(vm).gpuAddresses;
		CPPUNIT_ASSERT_MESSAGE("getVmStatus() does not list the GPU the VM was started with",
			std::find(gpus.begin(), gpus.end(), second.address) != gpus.end());
		CPPUNIT_ASSERT_MESSAGE("getVmStatus() still lists the GPU the VM was created with",
			std::find(gpus.begin(), gpus.end(), first.address) == gpus.end());
		CPPUNIT_ASSERT_EQUAL(vm.vmId, gpuState(second.node, second.address).assignedVmId);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuState(first.node, first.address).assignedVmId);

		// A start without GPUs keeps those of the last start.
		backend().stopVm(vm, kGrace);
		backend().startVm(vm);
		CPPUNIT_ASSERT_EQUAL(vm.vmId, gpuState(second.node, second.address).assignedVmId);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuState(first.node, first.address).assignedVmId);
	}

	void startWithUnknownGpu()
	{
		auto slot = oneFreeGpu("startWithUnknownGpu");
		if (!slot)
			return;
		sdk::VmRef vm = createWithGpu(*slot);
		vm.gpuAddresses = {absentAddress(slot->node)};
		std::string message = expectError(sdk::ErrorKind::InvalidRequest, [&] { backend().startVm(vm); },
			"startVm with a GPU that does not exist on the node");
		CPPUNIT_ASSERT_MESSAGE("the error does not name the GPU: " + message,
			message.find(vm.gpuAddresses.front()) != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE("a start that failed left the VM running",
			backend().getVmStatus(vm).power == sdk::PowerState::Stopped);
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

	/// Returns a PCI address that no GPU of `node` has.
	std::string absentAddress(const std::string& node)
	{
		for (const auto& info : backend().listNodes())
		{
			if (info.name != node)
				continue;
			for (const char* candidate : {"0000:fe:1f.7", "0000:fd:1f.7", "0000:fc:1f.7"})
			{
				bool isGpu = std::any_of(info.gpus.begin(), info.gpus.end(),
					[&](const sdk::GpuDevice& gpu) { return gpu.address == candidate; });
				if (!isGpu)
					return candidate;
			}
		}
		CPPUNIT_FAIL("found no PCI address that is not a GPU of node '" + node + "'");
		return "";
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
