#include <cppunit/extensions/HelperMacros.h>

#include "mock_harness.h"
#include "plugin/plugin_loader.h"
#include "support/expect_throw.h"

using namespace gpucloud;
using namespace gpucloud::testing;
using plugin::PluginLoadError;

class MockConfigTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MockConfigTest);
	CPPUNIT_TEST(unknownKey);
	CPPUNIT_TEST(unknownKeyNamesInstance);
	CPPUNIT_TEST(badNumber);
	CPPUNIT_TEST(negativeDelay);
	CPPUNIT_TEST(unknownOperation);
	CPPUNIT_TEST(unknownNodeKey);
	CPPUNIT_TEST(badStatus);
	CPPUNIT_TEST(freeAboveTotal);
	CPPUNIT_TEST(unknownGpuType);
	CPPUNIT_TEST(badGpuCount);
	CPPUNIT_TEST(newGpuTypeIncomplete);
	CPPUNIT_TEST(badTemplates);
	CPPUNIT_TEST(duplicateNode);
	CPPUNIT_TEST(unknownCapability);
	CPPUNIT_TEST(faultSyntaxErrors);
	CPPUNIT_TEST(loseOnListCall);
	CPPUNIT_TEST(customNodes);
	CPPUNIT_TEST(overrideDefaultNode);
	CPPUNIT_TEST(capabilityList);
	CPPUNIT_TEST_SUITE_END();

public:
	void unknownKey()
	{
		expectConfigError({{"colour", "red"}}, "backends.mock.colour");
	}

	void unknownKeyNamesInstance()
	{
		auto error = expectThrow<PluginLoadError>([&] { loadMock(_host, {{"colour", "red"}}, "lab7"); });
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "backends.lab7.colour"));
	}

	void badNumber()
	{
		std::string message = expectConfigError({{"node.vm01.cpu_cores", "many"}}, "backends.mock.node.vm01.cpu_cores");
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'many'"));
		expectConfigError({{"node.vm02.ram_mb", "12GB"}}, "backends.mock.node.vm02.ram_mb");
		expectConfigError({{"hang_timeout_ms", "1e3"}}, "backends.mock.hang_timeout_ms");
		expectConfigError({{"node.vm01.pcie_gen", "9"}}, "backends.mock.node.vm01.pcie_gen");
	}

	void negativeDelay()
	{
		expectConfigError({{"delay_ms.start_vm", "-5"}}, "backends.mock.delay_ms.start_vm");
	}

	void unknownOperation()
	{
		expectConfigError({{"delay_ms.jump_vm", "5"}}, "backends.mock.delay_ms.jump_vm");
		expectConfigError({{"fault.jump_vm", "fail fatal"}}, "backends.mock.fault.jump_vm");
	}

	void unknownNodeKey()
	{
		expectConfigError({{"nodes", "vm01"}, {"node.vm02.location", "Oslo"}}, "backends.mock.node.vm02.location");
		expectConfigError({{"node.vm01.colour", "red"}}, "backends.mock.node.vm01.colour");
	}

	void badStatus()
	{
		expectConfigError({{"node.vm01.status", "sleeping"}}, "backends.mock.node.vm01.status");
	}

	void freeAboveTotal()
	{
		expectConfigError({{"node.vm01.storage_total_gb", "100"}, {"node.vm01.storage_free_gb", "200"}},
			"backends.mock.node.vm01.storage_free_gb");
	}

	void unknownGpuType()
	{
		std::string message = expectConfigError({{"node.vm01.gpus", "5090:2, h100:4"}}, "backends.mock.node.vm01.gpus");
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'h100'"));
	}

	void badGpuCount()
	{
		expectConfigError({{"node.vm01.gpus", "5090"}}, "backends.mock.node.vm01.gpus");
		expectConfigError({{"node.vm01.gpus", "5090:0"}}, "backends.mock.node.vm01.gpus");
		expectConfigError({{"node.vm01.gpus", "5090:300"}}, "backends.mock.node.vm01.gpus");
	}

	void newGpuTypeIncomplete()
	{
		expectConfigError({{"gpu.h100.model", "H100"}}, "backends.mock.gpu.h100.vram_mb");
		expectConfigError({{"gpu.5090.vram_mb", "lots"}}, "backends.mock.gpu.5090.vram_mb");
	}

	void badTemplates()
	{
		expectConfigError({{"node.vm01.templates", "100-9x"}}, "backends.mock.node.vm01.templates");
		expectConfigError({{"node.vm01.templates", "104-100"}}, "backends.mock.node.vm01.templates");
	}

	void duplicateNode()
	{
		expectConfigError({{"nodes", "vm01, vm01"}}, "backends.mock.nodes");
	}

	void unknownCapability()
	{
		std::string message = expectConfigError({{"capabilities", "reboot, teleport"}}, "backends.mock.capabilities");
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'teleport'"));
	}

	void faultSyntaxErrors()
	{
		const std::pair<std::string, std::string> cases[] = {
			{"explode", "unknown fault action 'explode'"},
			{"fail", "needs an error kind"},
			{"fail broken", "unknown error kind 'broken'"},
			{"fail fatal on 3", "expected 'on call N' or 'from call N'"},
			{"fail fatal on call 0", "at least 1"},
			{"fail fatal on call x", "'x'"},
			{"delay 5", "'5'"},
			{"delay 5m", "'5m'"},
			{"hang 2s later", "'later'"},
			{" ; ", "no fault rule"},
		};
		for (const auto& [rule, reason] : cases)
		{
			std::string message = expectConfigError({{"fault.start_vm", rule}}, "backends.mock.fault.start_vm");
			CPPUNIT_ASSERT_MESSAGE(rule + " -> " + message, contains(message, reason));
		}
	}

	void loseOnListCall()
	{
		expectConfigError({{"fault.list_vms", "lose on call 1"}}, "backends.mock.fault.list_vms");
	}

	void customNodes()
	{
		auto backend = loadMock(_host, {
			{"nodes", "gpu-a, gpu-b"},
			{"gpu.h100.model", "H100 SXM"},
			{"gpu.h100.vram_mb", "81920"},
			{"node.gpu-a.location", "Oslo, NO"},
			{"node.gpu-a.cpu_model", "AMD EPYC 9654"},
			{"node.gpu-a.cpu_cores", "96"},
			{"node.gpu-a.ram_mb", "786432"},
			{"node.gpu-a.storage_total_gb", "2000"},
			{"node.gpu-a.storage_free_gb", "1500"},
			{"node.gpu-a.pcie_gen", "5"},
			{"node.gpu-a.templates", "200-202, 300"},
			{"node.gpu-a.gpus", "h100:2, 4090:1"},
			{"node.gpu-b.status", "offline"},
			{"node.gpu-b.status_reason", "power supply failed"},
		});
		std::vector<sdk::NodeInfo> nodes = backend->listNodes();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), nodes.size());
		const sdk::NodeInfo& a = nodes[0];
		CPPUNIT_ASSERT_EQUAL(std::string("gpu-a"), a.name);
		CPPUNIT_ASSERT_EQUAL(std::string("Oslo, NO"), a.location);
		CPPUNIT_ASSERT_EQUAL(std::string("AMD EPYC 9654"), a.cpuModel);
		CPPUNIT_ASSERT_EQUAL(96u, a.cpuCores);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(786432), a.ramMb);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(2000), a.storageTotalGb);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(1500), a.storageFreeGb);
		CPPUNIT_ASSERT_EQUAL(5u, a.pcieGen);
		CPPUNIT_ASSERT((a.templateVmids == std::vector<std::int64_t>{200, 201, 202, 300}));
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), a.gpus.size());
		CPPUNIT_ASSERT_EQUAL(std::string("h100"), a.gpus[0].type);
		CPPUNIT_ASSERT_EQUAL(std::string("H100 SXM"), a.gpus[0].model);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(81920), a.gpus[0].vramMb);
		CPPUNIT_ASSERT_EQUAL(std::string("0000:01:00.0"), a.gpus[0].address);
		CPPUNIT_ASSERT_EQUAL(std::string("0000:11:00.0"), a.gpus[1].address);
		CPPUNIT_ASSERT_EQUAL(std::string("4090"), a.gpus[2].type);
		const sdk::NodeInfo& b = nodes[1];
		CPPUNIT_ASSERT(b.status == sdk::NodeStatus::Offline);
		CPPUNIT_ASSERT_EQUAL(std::string("power supply failed"), b.statusReason);
		CPPUNIT_ASSERT(b.gpus.empty());
		CPPUNIT_ASSERT(b.cpuCores > 0);
	}

	void overrideDefaultNode()
	{
		auto backend = loadMock(_host, {{"node.vm01.gpus", "6000pro:1"}, {"gpu.6000pro.model", "RTX PRO 6000 Blackwell"}});
		sdk::NodeInfo vm01 = findNode(*backend, "vm01");
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), vm01.gpus.size());
		CPPUNIT_ASSERT_EQUAL(std::string("RTX PRO 6000 Blackwell"), vm01.gpus[0].model);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(98304), vm01.gpus[0].vramMb);
		CPPUNIT_ASSERT_EQUAL(std::string("Frankfurt, DE"), vm01.location);
		CPPUNIT_ASSERT_EQUAL(std::size_t(8), findNode(*backend, "vm02").gpus.size());
	}

	void capabilityList()
	{
		auto backend = loadMock(_host, {{"capabilities", "reboot, metrics"}});
		sdk::PluginInfo info = backend->info();
		CPPUNIT_ASSERT(info.has(sdk::Capability::Reboot));
		CPPUNIT_ASSERT(info.has(sdk::Capability::Metrics));
		CPPUNIT_ASSERT(!info.has(sdk::Capability::GpuPassthrough));
		CPPUNIT_ASSERT(!info.has(sdk::Capability::DiskResize));
	}

private:
	// Loads the mock with `config`, expects the factory to reject it, and returns the message after checking that
	// it names `fullKey`.
	std::string expectConfigError(const sdk::ConfigMap& config, const std::string& fullKey)
	{
		auto error = expectThrow<PluginLoadError>([&] { loadMock(_host, config); }, fullKey);
		std::string message = error.what();
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, fullKey));
		return message;
	}

	RecordingHost _host;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MockConfigTest);
