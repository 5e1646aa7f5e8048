#include "conformance_fixture.h"

namespace gpucloud::conformance
{

/// Identity, ABI version, capability flags and the health check.
class IdentityTest : public ConformanceFixture
{
	CPPUNIT_TEST_SUITE(IdentityTest);
	CPPUNIT_TEST(nameAndVersion);
	CPPUNIT_TEST(abiVersion);
	CPPUNIT_TEST(infoIsConstant);
	CPPUNIT_TEST(knownCapabilities);
	CPPUNIT_TEST(healthNamesNodes);
	CPPUNIT_TEST_SUITE_END();

public:
	void nameAndVersion()
	{
		sdk::PluginInfo info = backend().info();
		CPPUNIT_ASSERT_MESSAGE("info().name is empty", !info.name.empty());
		CPPUNIT_ASSERT_MESSAGE("info().version is empty", !info.version.empty());
	}

	void abiVersion()
	{
		CPPUNIT_ASSERT_EQUAL(sdk::kAbiVersion, backend().info().abiVersion);
	}

	void infoIsConstant()
	{
		sdk::PluginInfo first = backend().info();
		backend().listNodes();
		sdk::PluginInfo second = backend().info();
		CPPUNIT_ASSERT_EQUAL(first.name, second.name);
		CPPUNIT_ASSERT_EQUAL(first.version, second.version);
		CPPUNIT_ASSERT_EQUAL(first.capabilities, second.capabilities);
	}

	void knownCapabilities()
	{
		std::uint32_t known = 0;
		for (std::uint32_t bit = 1; bit <= static_cast<std::uint32_t>(sdk::Capability::Reboot); bit <<= 1)
			known |= bit;
		CPPUNIT_ASSERT_EQUAL_MESSAGE("capabilities contain undefined bits", 0u,
			backend().info().capabilities & ~known);
	}

	void healthNamesNodes()
	{
		sdk::HealthReport report = backend().checkHealth();
		CPPUNIT_ASSERT_MESSAGE("checkHealth() is unhealthy: " + report.detail, report.healthy);
		for (const auto& node : backend().listNodes())
		{
			CPPUNIT_ASSERT_MESSAGE("checkHealth() does not report node '" + node.name + "'",
				report.nodes.count(node.name) == 1);
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(IdentityTest);

} // namespace gpucloud::conformance
