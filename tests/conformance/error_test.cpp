#include "conformance_fixture.h"

namespace gpucloud::conformance
{

/// The error kinds of the contract, for requests that cannot succeed.
class ErrorTest : public ConformanceFixture
{
	CPPUNIT_TEST_SUITE(ErrorTest);
	CPPUNIT_TEST(unknownNode);
	CPPUNIT_TEST(unknownTemplate);
	CPPUNIT_TEST(startUnknownVm);
	CPPUNIT_TEST(stopUnknownVm);
	CPPUNIT_TEST(rebootUnknownVm);
	CPPUNIT_TEST_SUITE_END();

public:
	void unknownNode()
	{
		sdk::VmSpec spec = newSpec();
		spec.node = "conformance-no-such-node";
		std::string message = expectError(sdk::ErrorKind::NotFound, [&] { backend().createVm(spec); },
			"createVm on an unknown node");
		CPPUNIT_ASSERT_MESSAGE("the error does not name the node: " + message,
			message.find(spec.node) != std::string::npos);
	}

	void unknownTemplate()
	{
		sdk::VmSpec spec = newSpec();
		spec.templateVmid = unusedTemplate();
		std::string message = expectError(sdk::ErrorKind::NotFound, [&] { backend().createVm(spec); },
			"createVm from an unknown template");
		CPPUNIT_ASSERT_MESSAGE("the error does not name the template: " + message,
			message.find(std::to_string(spec.templateVmid)) != std::string::npos);
	}

	void startUnknownVm()
	{
		sdk::VmRef vm{randomVmId(), workNode().name, "", {}};
		expectError(sdk::ErrorKind::NotFound, [&] { backend().startVm(vm); }, "startVm of an unknown VM");
	}

	void stopUnknownVm()
	{
		sdk::VmRef vm{randomVmId(), workNode().name, "", {}};
		expectError(sdk::ErrorKind::NotFound, [&] { backend().stopVm(vm, kGrace); }, "stopVm of an unknown VM");
	}

	void rebootUnknownVm()
	{
		sdk::VmRef vm{randomVmId(), workNode().name, "", {}};
		sdk::ErrorKind expected = declared(sdk::Capability::Reboot) ? sdk::ErrorKind::NotFound
																	 : sdk::ErrorKind::NotSupported;
		expectError(expected, [&] { backend().rebootVm(vm); }, "rebootVm of an unknown VM");
	}

private:
	std::int64_t unusedTemplate()
	{
		std::int64_t candidate = 987654321;
		for (const auto& node : backend().listNodes())
		{
			for (auto vmid : node.templateVmids)
				candidate = std::max(candidate, vmid + 1);
		}
		return candidate;
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ErrorTest);

} // namespace gpucloud::conformance
