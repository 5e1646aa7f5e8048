#include <fstream>
#include <memory>
#include <stdexcept>

#include <link.h>

#include <cppunit/extensions/HelperMacros.h>

#include "plugin/plugin_loader.h"
#include "support/expect_throw.h"
#include "support/recording_host.h"

using gpucloud::plugin::PluginLoadError;
using gpucloud::plugin::PluginLoader;
using gpucloud::sdk::BackendError;
using gpucloud::sdk::ErrorKind;
using gpucloud::testing::contains;
using gpucloud::testing::expectThrow;

namespace
{

const std::filesystem::path kTestPlugins = GPUCLOUD_TEST_PLUGIN_DIR;

int findLoadedLibrary(dl_phdr_info* info, size_t, void* data)
{
	auto* name = static_cast<std::string*>(data);
	if (info->dlpi_name && std::string(info->dlpi_name).find(*name) != std::string::npos)
		return 1;
	return 0;
}

// Returns true when a library whose path contains `fileName` is mapped into this process.
bool isLoaded(std::string fileName)
{
	return dl_iterate_phdr(findLoadedLibrary, &fileName) != 0;
}

} // namespace

class PluginLoaderTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PluginLoaderTest);
	CPPUNIT_TEST(resolveName);
	CPPUNIT_TEST(resolvePath);
	CPPUNIT_TEST(loadByName);
	CPPUNIT_TEST(loadByPath);
	CPPUNIT_TEST(missingReference);
	CPPUNIT_TEST(missingFile);
	CPPUNIT_TEST(notALibrary);
	CPPUNIT_TEST(missingAbiSymbol);
	CPPUNIT_TEST(missingFactory);
	CPPUNIT_TEST(wrongAbiVersion);
	CPPUNIT_TEST(factoryBackendError);
	CPPUNIT_TEST(factoryStdException);
	CPPUNIT_TEST(factoryUnknownException);
	CPPUNIT_TEST(factoryNull);
	CPPUNIT_TEST(infoThrows);
	CPPUNIT_TEST(foreignStdException);
	CPPUNIT_TEST(foreignInt);
	CPPUNIT_TEST(foreignHealthCheck);
	CPPUNIT_TEST(backendErrorPassesThrough);
	CPPUNIT_TEST(capabilityReboot);
	CPPUNIT_TEST(capabilityResize);
	CPPUNIT_TEST(capabilityGpus);
	CPPUNIT_TEST(capabilityNotEnforced);
	CPPUNIT_TEST(libraryKeptLoaded);
	CPPUNIT_TEST(librarySharedByBackends);
	CPPUNIT_TEST_SUITE_END();

public:
	void resolveName()
	{
		PluginLoader loader("/opt/gpucloud/plugins");
		CPPUNIT_ASSERT_EQUAL(std::string("/opt/gpucloud/plugins/libgpucloud_mock.so"), loader.resolve("mock").string());
	}

	void resolvePath()
	{
		PluginLoader loader("/opt/gpucloud/plugins");
		CPPUNIT_ASSERT_EQUAL(std::string("/srv/lib/custom.so"), loader.resolve("/srv/lib/../lib/custom.so").string());
		std::filesystem::path relative = loader.resolve("custom.so");
		CPPUNIT_ASSERT(relative.is_absolute());
		CPPUNIT_ASSERT_EQUAL(std::filesystem::current_path() / "custom.so", relative);
	}

	void loadByName()
	{
		auto backend = loader().load("alpha", "test_minimal", {}, _host);
		CPPUNIT_ASSERT_EQUAL(std::string("minimal"), backend->info().name);
		CPPUNIT_ASSERT_EQUAL(std::string("alpha-node"), backend->listNodes().at(0).name);
	}

	void loadByPath()
	{
		std::string path = (kTestPlugins / "libgpucloud_test_minimal.so").string();
		auto backend = PluginLoader("/nonexistent").load("beta", path, {}, _host);
		CPPUNIT_ASSERT_EQUAL(std::string("beta-node"), backend->listNodes().at(0).name);
	}

	void missingReference()
	{
		auto error = expectThrow<PluginLoadError>([&] { loader().load("gamma", "", {}, _host); });
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "backends.gamma.plugin"));
	}

	void missingFile()
	{
		auto error = expectThrow<PluginLoadError>([&] { loader().load("delta", "no_such_plugin", {}, _host); });
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "libgpucloud_no_such_plugin.so"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "does not exist"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'delta'"));
	}

	void notALibrary()
	{
		std::filesystem::path path = std::filesystem::temp_directory_path() / "gpucloud_not_a_library.so";
		std::ofstream(path) << "not an ELF file\n";
		auto error = expectThrow<PluginLoadError>([&] { loader().load("text", path.string(), {}, _host); });
		std::filesystem::remove(path);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "cannot be loaded"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), path.string()));
	}

	void missingAbiSymbol()
	{
		auto error = expectThrow<PluginLoadError>([&] { loader().load("noabi", "test_no_abi", {}, _host); });
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), GPUCLOUD_PLUGIN_ABI_SYMBOL));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "libgpucloud_test_no_abi.so"));
	}

	void missingFactory()
	{
		auto error = expectThrow<PluginLoadError>([&] { loader().load("nofactory", "test_no_factory", {}, _host); });
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), GPUCLOUD_PLUGIN_FACTORY_SYMBOL));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "libgpucloud_test_no_factory.so"));
	}

	void wrongAbiVersion()
	{
		auto error = expectThrow<PluginLoadError>([&] { loader().load("old", "test_wrong_abi", {}, _host); });
		std::string plugin = "ABI version " + std::to_string(gpucloud::sdk::kAbiVersion + 1);
		std::string server = "requires version " + std::to_string(gpucloud::sdk::kAbiVersion);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), plugin));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), server));
		CPPUNIT_ASSERT_MESSAGE(error.what(), !contains(error.what(), "factory"));
	}

	void factoryBackendError()
	{
		auto error = loadFailure("backend_error");
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "Invalid value for backends.broken.fail"));
	}

	void factoryStdException()
	{
		auto error = loadFailure("logic_error");
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "the factory broke an invariant"));
	}

	void factoryUnknownException()
	{
		auto error = loadFailure("int");
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "unknown type"));
	}

	void factoryNull()
	{
		auto error = loadFailure("null");
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "returned no backend"));
	}

	void infoThrows()
	{
		auto error = loadFailure("info");
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "info() is broken"));
	}

	void foreignStdException()
	{
		auto backend = loader().load("foreign", "test_foreign_exceptions", {}, _host);
		gpucloud::sdk::VmRef vm{"vm-1", "node", "", {}};
		expectFatal([&] { backend->listNodes(); }, "listNodes", "foreign failure in listNodes");
		expectFatal([&] { backend->createVm({}); }, "createVm", "foreign failure in createVm");
		expectFatal([&] { backend->startVm(vm); }, "startVm", "foreign failure in startVm");
		expectFatal([&] { backend->stopVm(vm, std::chrono::seconds(1)); }, "stopVm", "foreign failure in stopVm");
		expectFatal([&] { backend->destroyVm(vm); }, "destroyVm", "foreign failure in destroyVm");
		expectFatal([&] { backend->getVmStatus(vm); }, "getVmStatus", "foreign failure in getVmStatus");
		expectFatal([&] { backend->listVms(); }, "listVms", "foreign failure in listVms");
	}

	void foreignInt()
	{
		auto backend = loader().load("foreign", "test_foreign_exceptions", {{"throw", "int"}}, _host);
		gpucloud::sdk::VmRef vm{"vm-1", "node", "", {}};
		expectFatal([&] { backend->listNodes(); }, "listNodes", "unknown type");
		expectFatal([&] { backend->startVm(vm); }, "startVm", "unknown type");
		expectFatal([&] { backend->listVms(); }, "listVms", "unknown type");
	}

	void foreignHealthCheck()
	{
		auto backend = loader().load("foreign", "test_foreign_exceptions", {}, _host);
		gpucloud::sdk::HealthReport report = backend->checkHealth();
		CPPUNIT_ASSERT(!report.healthy);
		CPPUNIT_ASSERT_MESSAGE(report.detail, contains(report.detail, "foreign failure in checkHealth"));
		auto withInt = loader().load("foreign", "test_foreign_exceptions", {{"throw", "int"}}, _host);
		CPPUNIT_ASSERT(!withInt->checkHealth().healthy);
	}

	void backendErrorPassesThrough()
	{
		auto backend = loader().load("alpha", "test_minimal", {}, _host);
		auto error = expectThrow<BackendError>([&] { backend->startVm({"vm-9", "n1", "", {}}); });
		CPPUNIT_ASSERT(error.kind() == ErrorKind::NotFound);
		CPPUNIT_ASSERT_EQUAL(std::string("VM 'vm-9' does not exist on node 'n1'"), std::string(error.what()));
	}

	void capabilityReboot()
	{
		// The plugin's rebootVm throws a foreign type, so a Fatal error would mean that the call reached it.
		auto backend = loader().load("foreign", "test_foreign_exceptions", {}, _host);
		auto error = expectThrow<BackendError>([&] { backend->rebootVm({"vm-1", "node", "", {}}); });
		CPPUNIT_ASSERT(error.kind() == ErrorKind::NotSupported);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'reboot'"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'foreign'"));
	}

	void capabilityResize()
	{
		auto backend = loader().load("foreign", "test_foreign_exceptions", {}, _host);
		auto error = expectThrow<BackendError>([&] { backend->resizeDisk({"vm-1", "node", "", {}}, 100); });
		CPPUNIT_ASSERT(error.kind() == ErrorKind::NotSupported);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'disk_resize'"));
	}

	void capabilityGpus()
	{
		auto backend = loader().load("foreign", "test_foreign_exceptions", {}, _host);
		gpucloud::sdk::VmSpec spec;
		spec.vmId = "vm-1";
		spec.gpuAddresses = {"0000:01:00.0"};
		auto error = expectThrow<BackendError>([&] { backend->createVm(spec); });
		CPPUNIT_ASSERT(error.kind() == ErrorKind::NotSupported);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'gpu_passthrough'"));
		spec.gpuAddresses.clear();
		auto reached = expectThrow<BackendError>([&] { backend->createVm(spec); });
		CPPUNIT_ASSERT(reached.kind() == ErrorKind::Fatal);
	}

	void capabilityNotEnforced()
	{
		auto backend = loader().load("foreign", "test_foreign_exceptions", {}, _host, false);
		auto error = expectThrow<BackendError>([&] { backend->rebootVm({"vm-1", "node", "", {}}); });
		CPPUNIT_ASSERT(error.kind() == ErrorKind::Fatal);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "foreign failure in rebootVm"));
	}

	void libraryKeptLoaded()
	{
		std::shared_ptr<gpucloud::sdk::HypervisorBackend> backend;
		{
			PluginLoader scoped(kTestPlugins);
			backend = scoped.load("alpha", "test_minimal", {}, _host);
		}
		CPPUNIT_ASSERT(isLoaded("libgpucloud_test_minimal.so"));
		CPPUNIT_ASSERT(backend->checkHealth().healthy);
		backend.reset();
		CPPUNIT_ASSERT(!isLoaded("libgpucloud_test_minimal.so"));
	}

	void librarySharedByBackends()
	{
		auto first = loader().load("one", "test_minimal", {}, _host);
		auto second = loader().load("two", "test_minimal", {}, _host);
		first.reset();
		CPPUNIT_ASSERT(isLoaded("libgpucloud_test_minimal.so"));
		CPPUNIT_ASSERT_EQUAL(std::string("two-node"), second->listNodes().at(0).name);
		second.reset();
		CPPUNIT_ASSERT(!isLoaded("libgpucloud_test_minimal.so"));
	}

private:
	PluginLoader loader() const { return PluginLoader(kTestPlugins); }

	PluginLoadError loadFailure(const std::string& mode)
	{
		auto error = expectThrow<PluginLoadError>([&] {
			loader().load("broken", "test_throwing_factory", {{"fail", mode}}, _host);
		});
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'broken'"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "libgpucloud_test_throwing_factory.so"));
		return error;
	}

	template <class Call>
	void expectFatal(Call&& call, const std::string& operation, const std::string& detail)
	{
		auto error = expectThrow<BackendError>(call, operation);
		CPPUNIT_ASSERT_MESSAGE(error.what(), error.kind() == ErrorKind::Fatal);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'foreign'"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), operation));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), detail));
	}

	gpucloud::testing::RecordingHost _host;
};

CPPUNIT_TEST_SUITE_REGISTRATION(PluginLoaderTest);
