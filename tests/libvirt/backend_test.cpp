#include <algorithm>
#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <cppunit/extensions/HelperMacros.h>

#include "fake_host.h"
#include "libvirt_backend.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

std::string nodeFile(const std::string& name)
{
	return std::string(LIBVIRT_TEST_DIR) + "/nodes/" + name;
}

sdk::ConfigMap baseConfig()
{
	return {
		{"plugin", "libvirt"},
		{"pool", "gpucloud"},
		{"template.9000.volume", "ubuntu-24.04.qcow2"},
		{"template.9002.volume", "missing.qcow2"},
		{"shutdown_poll_ms", "10"},
		{"reconnect_initial_ms", "1000"},
		{"reconnect_max_ms", "4000"},
	};
}

sdk::NodeInfo findNode(const std::vector<sdk::NodeInfo>& nodes, const std::string& name)
{
	auto found = std::find_if(nodes.begin(), nodes.end(), [&](const sdk::NodeInfo& node) { return node.name == name; });
	CPPUNIT_ASSERT_MESSAGE("node '" + name + "' is not listed", found != nodes.end());
	return *found;
}

} // namespace

/// The whole backend against libvirt's test driver: what the conformance kit cannot see from outside.
class BackendTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(BackendTest);
	CPPUNIT_TEST(discoversGpus);
	CPPUNIT_TEST(configuredGpuList);
	CPPUNIT_TEST(templatesByVolume);
	CPPUNIT_TEST(foreignDomainIgnored);
	CPPUNIT_TEST(destroyFreesStorage);
	CPPUNIT_TEST(offlineUntilBackoff);
	CPPUNIT_TEST(allOfflineListUnavailable);
	CPPUNIT_TEST(testDriverCapabilities);
	CPPUNIT_TEST(unsupportedDriverRejected);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_missing = std::filesystem::temp_directory_path() / ("gpucloud-missing-node-" + std::to_string(::getpid()) + ".xml");
		std::filesystem::remove(_missing);
	}

	void tearDown() override
	{
		std::filesystem::remove(_missing);
	}

	void discoversGpus()
	{
		sdk::ConfigMap config = baseConfig();
		config["node.a.uri"] = "test://" + nodeFile("node-a.xml");
		config["gpu_type.5090.model"] = "RTX 5090";
		config["gpu_type.5090.vram_mb"] = "32768";
		config["gpu_type.5090.pci_id"] = "10de:2b85";
		LibvirtBackend backend(sdk::BackendContext{"lv", config, &_host});
		sdk::NodeInfo node = findNode(backend.listNodes(), "a");
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(3), node.gpus.size());
		CPPUNIT_ASSERT_EQUAL(std::string("0000:3b:00.0"), node.gpus[0].address);
		CPPUNIT_ASSERT_EQUAL(std::string("5090"), node.gpus[0].type);
		CPPUNIT_ASSERT_EQUAL(5u, node.pcieGen);
		CPPUNIT_ASSERT_EQUAL(64u, node.cpuCores);
		CPPUNIT_ASSERT_EQUAL(static_cast<std::uint64_t>(65536), node.ramMb);
	}

	void configuredGpuList()
	{
		sdk::ConfigMap config = baseConfig();
		config["node.a.uri"] = "test://" + nodeFile("node-a.xml");
		config["gpu_type.l40s.model"] = "L40S";
		config["node.a.gpus"] = "l40s@0000:3b:00.0";
		config["node.a.pcie_gen"] = "4";
		LibvirtBackend backend(sdk::BackendContext{"lv", config, &_host});
		sdk::NodeInfo node = findNode(backend.listNodes(), "a");
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(1), node.gpus.size());
		CPPUNIT_ASSERT_EQUAL(std::string("l40s"), node.gpus[0].type);
		CPPUNIT_ASSERT_EQUAL(4u, node.pcieGen);
	}

	void templatesByVolume()
	{
		sdk::ConfigMap config = baseConfig();
		config["node.a.uri"] = "test://" + nodeFile("node-a.xml");
		LibvirtBackend backend(sdk::BackendContext{"lv", config, &_host});
		sdk::NodeInfo node = findNode(backend.listNodes(), "a");
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(1), node.templateVmids.size());
		CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(9000), node.templateVmids[0]);
	}

	void foreignDomainIgnored()
	{
		sdk::ConfigMap config = baseConfig();
		config["node.b.uri"] = "test://" + nodeFile("node-b.xml");
		LibvirtBackend backend(sdk::BackendContext{"lv", config, &_host});
		CPPUNIT_ASSERT(backend.listVms().empty());
		try
		{
			backend.getVmStatus(sdk::VmRef{"x", "b", "operator-tools"});
			CPPUNIT_FAIL("a domain without gpucloud metadata was reported as a VM");
		}
		catch (const sdk::BackendError& error)
		{
			CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::NotFound);
		}
	}

	void destroyFreesStorage()
	{
		sdk::ConfigMap config = baseConfig();
		config["node.a.uri"] = "test://" + nodeFile("node-a.xml");
		LibvirtBackend backend(sdk::BackendContext{"lv", config, &_host});
		std::uint64_t freeBefore = findNode(backend.listNodes(), "a").storageFreeGb;
		sdk::VmSpec spec;
		spec.vmId = "storage-check";
		spec.node = "a";
		spec.templateVmid = 9000;
		spec.diskGb = 20;
		backend.createVm(spec);
		CPPUNIT_ASSERT_EQUAL(freeBefore - 20, findNode(backend.listNodes(), "a").storageFreeGb);
		backend.destroyVm(sdk::VmRef{spec.vmId, "a", ""});
		CPPUNIT_ASSERT_EQUAL(freeBefore, findNode(backend.listNodes(), "a").storageFreeGb);
	}

	void offlineUntilBackoff()
	{
		sdk::ConfigMap config = baseConfig();
		config["node.late.uri"] = "test://" + _missing.string();
		LibvirtBackend backend(sdk::BackendContext{"lv", config, &_host});
		const sdk::NodeInfo offline = findNode(backend.listNodes(), "late");
		CPPUNIT_ASSERT(offline.status == sdk::NodeStatus::Offline);
		CPPUNIT_ASSERT(offline.statusReason.find("late") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::string("node_offline"), _host.events.at(0).kind);

		std::filesystem::copy_file(nodeFile("node-a.xml"), _missing);
		// The file exists now, but the backoff holds the next attempt back until the clock passes it.
		CPPUNIT_ASSERT(findNode(backend.listNodes(), "late").status == sdk::NodeStatus::Offline);
		_host.advance(std::chrono::milliseconds(1000));
		CPPUNIT_ASSERT(findNode(backend.listNodes(), "late").status == sdk::NodeStatus::Online);
		CPPUNIT_ASSERT_EQUAL(std::string("node_online"), _host.events.back().kind);
		CPPUNIT_ASSERT(backend.checkHealth().healthy);
	}

	void allOfflineListUnavailable()
	{
		sdk::ConfigMap config = baseConfig();
		config["node.late.uri"] = "test://" + _missing.string();
		LibvirtBackend backend(sdk::BackendContext{"lv", config, &_host});
		try
		{
			backend.listVms();
			CPPUNIT_FAIL("listVms() with every node offline returned a list");
		}
		catch (const sdk::BackendError& error)
		{
			CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Unavailable);
			CPPUNIT_ASSERT(error.retryAfter().count() > 0);
		}
		CPPUNIT_ASSERT(!backend.checkHealth().healthy);
	}

	void testDriverCapabilities()
	{
		sdk::ConfigMap config = baseConfig();
		config["node.a.uri"] = "test://" + nodeFile("node-a.xml");
		LibvirtBackend backend(sdk::BackendContext{"lv", config, &_host});
		sdk::PluginInfo info = backend.info();
		CPPUNIT_ASSERT(info.has(sdk::Capability::GpuPassthrough));
		CPPUNIT_ASSERT(!info.has(sdk::Capability::DiskResize));
		CPPUNIT_ASSERT(!info.has(sdk::Capability::Metrics));
		CPPUNIT_ASSERT(!info.has(sdk::Capability::CloudInit));
	}

	void unsupportedDriverRejected()
	{
		sdk::ConfigMap config = baseConfig();
		config["node.x.uri"] = "xen:///system";
		try
		{
			LibvirtBackend backend(sdk::BackendContext{"lv", config, &_host});
			CPPUNIT_FAIL("a xen:// node was accepted");
		}
		catch (const sdk::BackendError& error)
		{
			CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::InvalidRequest);
			CPPUNIT_ASSERT(std::string(error.what()).find("backends.lv.node.x.uri") != std::string::npos);
		}
	}

private:
	testing::FakeHost _host;
	std::filesystem::path _missing;
};

CPPUNIT_TEST_SUITE_REGISTRATION(BackendTest);

} // namespace gpucloud::plugins::libvirt
