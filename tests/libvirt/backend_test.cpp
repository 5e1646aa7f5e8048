#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>

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

/// Node "a" with its three discovered GPUs: 0000:3b:00.0, 0000:86:00.0 and 0000:af:00.0.
sdk::ConfigMap gpuNodeConfig()
{
	sdk::ConfigMap config = baseConfig();
	config["node.a.uri"] = "test://" + nodeFile("node-a.xml");
	return config;
}

sdk::VmSpec gpuSpec(const std::string& vmId, const std::vector<std::string>& gpus)
{
	sdk::VmSpec spec;
	spec.vmId = vmId;
	spec.node = "a";
	spec.templateVmid = 9000;
	spec.diskGb = 10;
	spec.gpuAddresses = gpus;
	return spec;
}

sdk::VmRef withGpus(sdk::VmRef vm, const std::vector<std::string>& gpus)
{
	vm.gpuAddresses = gpus;
	return vm;
}

sdk::BackendError expectBackendError(const std::function<void()>& call)
{
	try
	{
		call();
	}
	catch (const sdk::BackendError& error)
	{
		return error;
	}
	CPPUNIT_FAIL("the call succeeded, but a BackendError was expected");
	return sdk::BackendError(sdk::ErrorKind::Fatal, "");
}

std::string gpuHolder(LibvirtBackend& backend, const std::string& address)
{
	for (const auto& node : backend.listNodes())
	{
		for (const auto& gpu : node.gpus)
		{
			if (gpu.address == address)
				return gpu.assignedVmId;
		}
	}
	CPPUNIT_FAIL("GPU '" + address + "' is not listed");
	return "";
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
	CPPUNIT_TEST(createWithHeldGpu);
	CPPUNIT_TEST(startWithOtherGpu);
	CPPUNIT_TEST(startWithSameGpu);
	CPPUNIT_TEST(startWithUnknownGpu);
	CPPUNIT_TEST(startWithInvalidAddress);
	CPPUNIT_TEST(startRunningKeepsGpus);
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
			backend.getVmStatus(sdk::VmRef{"x", "b", "operator-tools", {}});
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
		backend.destroyVm(sdk::VmRef{spec.vmId, "a", "", {}});
		CPPUNIT_ASSERT_EQUAL(freeBefore, findNode(backend.listNodes(), "a").storageFreeGb);
	}

	void createWithHeldGpu()
	{
		LibvirtBackend backend(sdk::BackendContext{"lv", gpuNodeConfig(), &_host});
		sdk::VmRef holder{"holder", "a", backend.createVm(gpuSpec("holder", {"0000:3b:00.0"})).backendId, {}};
		backend.startVm(holder);
		sdk::VmRef other{"other", "a", backend.createVm(gpuSpec("other", {"0000:3b:00.0"})).backendId, {}};
		CPPUNIT_ASSERT_EQUAL(std::string("holder"), gpuHolder(backend, "0000:3b:00.0"));
		sdk::BackendError error = expectBackendError([&] { backend.startVm(other); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::CapacityExhausted);
		CPPUNIT_ASSERT_MESSAGE(error.what(), std::string(error.what()).find("'holder'") != std::string::npos);
		CPPUNIT_ASSERT(backend.getVmStatus(other).power == sdk::PowerState::Stopped);
		// The server gives the VM another GPU of the node, and the start succeeds.
		backend.startVm(withGpus(other, {"0000:86:00.0"}));
		CPPUNIT_ASSERT_EQUAL(std::string("other"), gpuHolder(backend, "0000:86:00.0"));
		CPPUNIT_ASSERT_EQUAL(std::string("holder"), gpuHolder(backend, "0000:3b:00.0"));
	}

	void startWithOtherGpu()
	{
		LibvirtBackend backend(sdk::BackendContext{"lv", gpuNodeConfig(), &_host});
		sdk::VmRef vm{"moved", "a", backend.createVm(gpuSpec("moved", {"0000:3b:00.0"})).backendId, {}};
		backend.startVm(vm);
		backend.stopVm(vm, std::chrono::seconds(0));
		backend.startVm(withGpus(vm, {"0000:86:00.0", "af:00.0"}));
		std::vector<std::string> expected = {"0000:86:00.0", "0000:af:00.0"};
		CPPUNIT_ASSERT(backend.getVmStatus(vm).gpuAddresses == expected);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(backend, "0000:3b:00.0"));
		CPPUNIT_ASSERT_EQUAL(std::string("moved"), gpuHolder(backend, "0000:86:00.0"));
		CPPUNIT_ASSERT(logged("Redefined domain 'gpucloud-moved'"));
		// The redefined domain keeps the new GPUs for a start that names none.
		backend.stopVm(vm, std::chrono::seconds(0));
		backend.startVm(vm);
		CPPUNIT_ASSERT(backend.getVmStatus(vm).gpuAddresses == expected);
	}

	void startWithSameGpu()
	{
		LibvirtBackend backend(sdk::BackendContext{"lv", gpuNodeConfig(), &_host});
		sdk::VmRef vm{"same", "a", backend.createVm(gpuSpec("same", {"0000:3b:00.0"})).backendId, {}};
		backend.startVm(withGpus(vm, {"3b:00.0"}));
		CPPUNIT_ASSERT_EQUAL(std::string("same"), gpuHolder(backend, "0000:3b:00.0"));
		CPPUNIT_ASSERT(!logged("Redefined"));
	}

	void startWithUnknownGpu()
	{
		LibvirtBackend backend(sdk::BackendContext{"lv", gpuNodeConfig(), &_host});
		sdk::VmRef vm{"unknown", "a", backend.createVm(gpuSpec("unknown", {"0000:3b:00.0"})).backendId, {}};
		sdk::BackendError error = expectBackendError([&] { backend.startVm(withGpus(vm, {"0000:fe:1f.7"})); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::InvalidRequest);
		CPPUNIT_ASSERT_MESSAGE(error.what(), std::string(error.what()).find("'0000:fe:1f.7'") != std::string::npos);
		CPPUNIT_ASSERT(backend.getVmStatus(vm).power == sdk::PowerState::Stopped);
		// The failed start left the domain's hostdevs alone.
		backend.startVm(vm);
		CPPUNIT_ASSERT((backend.getVmStatus(vm).gpuAddresses == std::vector<std::string>{"0000:3b:00.0"}));
	}

	void startWithInvalidAddress()
	{
		LibvirtBackend backend(sdk::BackendContext{"lv", gpuNodeConfig(), &_host});
		sdk::VmRef vm{"invalid", "a", backend.createVm(gpuSpec("invalid", {})).backendId, {}};
		sdk::BackendError junk = expectBackendError([&] { backend.startVm(withGpus(vm, {"gpu-0"})); });
		CPPUNIT_ASSERT(junk.kind() == sdk::ErrorKind::InvalidRequest);
		sdk::BackendError twice = expectBackendError([&] {
			backend.startVm(withGpus(vm, {"0000:86:00.0", "86:00.0"}));
		});
		CPPUNIT_ASSERT(twice.kind() == sdk::ErrorKind::InvalidRequest);
		CPPUNIT_ASSERT(backend.getVmStatus(vm).power == sdk::PowerState::Stopped);
	}

	void startRunningKeepsGpus()
	{
		LibvirtBackend backend(sdk::BackendContext{"lv", gpuNodeConfig(), &_host});
		sdk::VmRef vm{"running", "a", backend.createVm(gpuSpec("running", {"0000:3b:00.0"})).backendId, {}};
		backend.startVm(vm);
		backend.startVm(withGpus(vm, {"0000:86:00.0"}));
		CPPUNIT_ASSERT((backend.getVmStatus(vm).gpuAddresses == std::vector<std::string>{"0000:3b:00.0"}));
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(backend, "0000:86:00.0"));
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
	bool logged(const std::string& text)
	{
		std::lock_guard<std::mutex> lock(_host.mutex);
		return std::any_of(_host.lines.begin(), _host.lines.end(),
			[&](const std::string& line) { return line.find(text) != std::string::npos; });
	}

	testing::FakeHost _host;
	std::filesystem::path _missing;
};

CPPUNIT_TEST_SUITE_REGISTRATION(BackendTest);

} // namespace gpucloud::plugins::libvirt
