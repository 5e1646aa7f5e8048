#include <filesystem>
#include <fstream>

#include <unistd.h>

#include <cppunit/extensions/HelperMacros.h>

#include "mock_harness.h"
#include "plugin/plugin_loader.h"
#include "support/expect_throw.h"

using namespace gpucloud;
using namespace gpucloud::testing;
using sdk::BackendError;
using sdk::ErrorKind;
using sdk::PowerState;

class MockStateFileTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MockStateFileTest);
	CPPUNIT_TEST(missingFileStartsEmpty);
	CPPUNIT_TEST(roundTrip);
	CPPUNIT_TEST(gpuHoldersSurvive);
	CPPUNIT_TEST(vmidsContinue);
	CPPUNIT_TEST(destroyedStayGone);
	CPPUNIT_TEST(lostStayGone);
	CPPUNIT_TEST(noTemporaryLeft);
	CPPUNIT_TEST(corruptFile);
	CPPUNIT_TEST(nodeNoLongerConfigured);
	CPPUNIT_TEST(nodeNowOffline);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_directory = std::filesystem::temp_directory_path()
			/ ("gpucloud-mock-state-" + std::to_string(::getpid()) + "-" + std::to_string(++_counter));
		std::filesystem::create_directories(_directory);
		_path = (_directory / "mock-state.json").string();
	}

	void tearDown() override { std::filesystem::remove_all(_directory); }

	void missingFileStartsEmpty()
	{
		auto backend = load();
		CPPUNIT_ASSERT(backend->listVms().empty());
		CPPUNIT_ASSERT(!std::filesystem::exists(_path));
		backend->createVm(vmSpec("a1"));
		CPPUNIT_ASSERT(std::filesystem::exists(_path));
	}

	void roundTrip()
	{
		sdk::VmSpec runningSpec = vmSpec("run-1", "vm01", {kVm01First5090, kVm01First4090});
		sdk::VmSpec stoppedSpec = vmSpec("stop-1", "vm02");
		sdk::VmRef running;
		sdk::VmRef stopped;
		std::uint64_t freeBefore = 0;
		{
			auto backend = load();
			running = refTo(runningSpec, backend->createVm(runningSpec));
			stopped = refTo(stoppedSpec, backend->createVm(stoppedSpec));
			backend->startVm(running);
			backend->resizeDisk(stopped, 400);
			freeBefore = findNode(*backend, "vm02").storageFreeGb;
		}
		auto backend = load();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backend->listVms().size());
		sdk::VmStatus run = backend->getVmStatus(running);
		CPPUNIT_ASSERT(run.power == PowerState::Running);
		CPPUNIT_ASSERT(run.gpuAddresses == runningSpec.gpuAddresses);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(100), run.diskGb);
		sdk::VmStatus stop = backend->getVmStatus(stopped);
		CPPUNIT_ASSERT(stop.power == PowerState::Stopped);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(400), stop.diskGb);
		CPPUNIT_ASSERT_EQUAL(freeBefore, findNode(*backend, "vm02").storageFreeGb);
		CPPUNIT_ASSERT_EQUAL(run.vmId, backend->getVmStatus(sdk::VmRef{"run-1", "vm01", ""}).vmId);
	}

	void gpuHoldersSurvive()
	{
		{
			auto backend = load();
			backend->createVm(vmSpec("a1", "vm01", {kVm01First5090}));
			sdk::VmSpec released = vmSpec("a2", "vm01", {kVm01Second5090});
			backend->stopVm(refTo(released, backend->createVm(released)), std::chrono::seconds(0));
		}
		auto backend = load();
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*backend, "vm01", kVm01First5090));
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*backend, "vm01", kVm01Second5090));
		auto error = expectThrow<BackendError>([&] { backend->createVm(vmSpec("b1", "vm01", {kVm01First5090})); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::CapacityExhausted);
	}

	void vmidsContinue()
	{
		std::int64_t first = 0;
		{
			auto backend = load();
			sdk::VmSpec spec = vmSpec("a1");
			sdk::CreatedVm created = backend->createVm(spec);
			first = created.vmid;
			backend->destroyVm(refTo(spec, created));
		}
		auto backend = load();
		CPPUNIT_ASSERT(backend->createVm(vmSpec("a2")).vmid > first);
	}

	void destroyedStayGone()
	{
		{
			auto backend = load();
			sdk::VmSpec spec = vmSpec("a1", "vm01", {kVm01First5090});
			backend->destroyVm(refTo(spec, backend->createVm(spec)));
		}
		auto backend = load();
		CPPUNIT_ASSERT(backend->listVms().empty());
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*backend, "vm01", kVm01First5090));
	}

	void lostStayGone()
	{
		{
			auto backend = load({{"fault.start_vm", "lose on call 1"}});
			sdk::VmSpec spec = vmSpec("a1");
			backend->startVm(refTo(spec, backend->createVm(spec)));
		}
		CPPUNIT_ASSERT(load()->listVms().empty());
	}

	void noTemporaryLeft()
	{
		auto backend = load();
		backend->createVm(vmSpec("a1"));
		std::size_t files = 0;
		for (const auto& entry : std::filesystem::directory_iterator(_directory))
		{
			CPPUNIT_ASSERT_EQUAL(std::string("mock-state.json"), entry.path().filename().string());
			++files;
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), files);
	}

	void corruptFile()
	{
		std::ofstream(_path) << "{\"format\": 1, \"vms\": [";
		auto error = expectThrow<plugin::PluginLoadError>([&] { load(); });
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), _path));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "not valid"));
	}

	void nodeNoLongerConfigured()
	{
		load()->createVm(vmSpec("a1", "vm02"));
		auto error = expectThrow<plugin::PluginLoadError>([&] { load({{"nodes", "vm01"}}); });
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'a1'"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'vm02'"));
	}

	void nodeNowOffline()
	{
		sdk::VmSpec spec = vmSpec("a1", "vm02");
		sdk::VmRef vm = refTo(spec, load()->createVm(spec));
		auto backend = load({{"node.vm02.status", "offline"}});
		CPPUNIT_ASSERT(backend->listVms().empty());
		auto status = expectThrow<BackendError>([&] { backend->getVmStatus(vm); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(status), status.kind() == ErrorKind::Unavailable);
		auto destroy = expectThrow<BackendError>([&] { backend->destroyVm(vm); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(destroy), destroy.kind() == ErrorKind::Unavailable);
	}

private:
	std::shared_ptr<sdk::HypervisorBackend> load(sdk::ConfigMap config = {})
	{
		config["state_file"] = _path;
		return loadMock(_host, config);
	}

	static inline int _counter = 0;
	std::filesystem::path _directory;
	std::string _path;
	RecordingHost _host;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MockStateFileTest);
