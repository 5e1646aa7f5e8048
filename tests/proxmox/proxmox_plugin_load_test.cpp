// Loads the built proxmox plugin library the way the server does, and checks its configuration errors.

#include <cppunit/extensions/HelperMacros.h>

#include "plugin/plugin_loader.h"
#include "proxmox_test_support.h"

using namespace gpucloud;
using namespace gpucloud::testing::proxmox;

class ProxmoxPluginLoadTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProxmoxPluginLoadTest);
	CPPUNIT_TEST(loadsAndListsNodes);
	CPPUNIT_TEST(badConfigurationNamesKey);
	CPPUNIT_TEST_SUITE_END();

public:
	void loadsAndListsNodes()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		plugin::PluginLoader loader(GPUCLOUD_PLUGIN_DIR);
		auto backend = loader.load("pve", "proxmox", pluginConfig(server), host);
		CPPUNIT_ASSERT_EQUAL(std::string("proxmox"), backend->info().name);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backend->listNodes().size());
		sdk::BackendError error = expectBackendError([&] { backend->getVmStatus(sdk::VmRef{"x", "pve1", "4040", {}}); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::NotFound);
	}

	void badConfigurationNamesKey()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		plugin::PluginLoader loader(GPUCLOUD_PLUGIN_DIR);
		sdk::ConfigMap config = pluginConfig(server, {{"max_parallel_clones", "zero"}});
		try
		{
			loader.load("pve", "proxmox", config, host);
			CPPUNIT_FAIL("a bad configuration was accepted");
		}
		catch (const plugin::PluginLoadError& error)
		{
			CPPUNIT_ASSERT(std::string(error.what()).find("backends.pve.max_parallel_clones") != std::string::npos);
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxmoxPluginLoadTest);
