#include <set>

#include "conformance_fixture.h"

namespace gpucloud::conformance
{

/// listNodes(): nodes, their resources, GPUs and templates.
class InventoryTest : public ConformanceFixture
{
	CPPUNIT_TEST_SUITE(InventoryTest);
	CPPUNIT_TEST(nodesListed);
	CPPUNIT_TEST(onlineNodeResources);
	CPPUNIT_TEST(templateOffered);
	CPPUNIT_TEST(gpusDescribed);
	CPPUNIT_TEST_SUITE_END();

public:
	void nodesListed()
	{
		auto nodes = backend().listNodes();
		CPPUNIT_ASSERT_MESSAGE("listNodes() returned no node", !nodes.empty());
		std::set<std::string> names;
		for (const auto& node : nodes)
		{
			CPPUNIT_ASSERT_MESSAGE("a node has an empty name", !node.name.empty());
			CPPUNIT_ASSERT_MESSAGE("node '" + node.name + "' is listed twice", names.insert(node.name).second);
		}
	}

	void onlineNodeResources()
	{
		for (const auto& node : backend().listNodes())
		{
			if (node.status != sdk::NodeStatus::Online)
			{
				CPPUNIT_ASSERT_MESSAGE("offline node '" + node.name + "' has no reason", !node.statusReason.empty());
				continue;
			}
			CPPUNIT_ASSERT_MESSAGE("node '" + node.name + "' has no CPU cores", node.cpuCores > 0);
			CPPUNIT_ASSERT_MESSAGE("node '" + node.name + "' has no RAM", node.ramMb > 0);
			CPPUNIT_ASSERT_MESSAGE("node '" + node.name + "' has more free than total storage",
				node.storageFreeGb <= node.storageTotalGb);
		}
	}

	void templateOffered()
	{
		CPPUNIT_ASSERT(workTemplate() != 0);
	}

	void gpusDescribed()
	{
		for (const auto& node : backend().listNodes())
		{
			std::set<std::string> addresses;
			for (const auto& gpu : node.gpus)
			{
				CPPUNIT_ASSERT_MESSAGE("a GPU of node '" + node.name + "' has no address", !gpu.address.empty());
				CPPUNIT_ASSERT_MESSAGE("GPU '" + gpu.address + "' has no type", !gpu.type.empty());
				CPPUNIT_ASSERT_MESSAGE("GPU '" + gpu.address + "' is listed twice on node '" + node.name + "'",
					addresses.insert(gpu.address).second);
			}
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(InventoryTest);

} // namespace gpucloud::conformance
