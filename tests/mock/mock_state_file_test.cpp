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
	CPPUNIT_TEST(startedGpusSurvive);
	CPPUNIT_TEST(olderFileHeldGpus);
	CPPUNIT_TEST(runningVmsShareGpu);
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
		CPPUNIT_ASSERT_EQUAL(run.vmId, backend->getVmStatus(sdk::VmRef{"run-1", "vm01", "", {}}).vmId);
	}

	void gpuHoldersSurvive()
	{
		{
			auto backend = load();
			sdk::VmSpec running = vmSpec("a1", "vm01", {kVm01First5090});
			backend->startVm(refTo(running, backend->createVm(running)));
			sdk::VmSpec stopped = vmSpec("a2", "vm01", {kVm01Second5090});
			sdk::VmRef vm = refTo(stopped, backend->createVm(stopped));
			backend->startVm(vm);
			backend->stopVm(vm, std::chrono::seconds(0));
			backend->createVm(vmSpec("a3", "vm01", {kVm01First4090}));
		}
		auto backend = load();
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*backend, "vm01", kVm01First5090));
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*backend, "vm01", kVm01Second5090));
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*backend, "vm01", kVm01First4090));
		sdk::VmSpec contender = vmSpec("b1", "vm01", {kVm01First5090});
		sdk::VmRef vm = refTo(contender, backend->createVm(contender));
		auto error = expectThrow<BackendError>([&] { backend->startVm(vm); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::CapacityExhausted);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'a1'"));
	}

	void startedGpusSurvive()
	{
		sdk::VmSpec spec = vmSpec("a1", "vm01", {kVm01First5090});
		sdk::VmRef vm;
		{
			auto backend = load();
			vm = refTo(spec, backend->createVm(spec));
			sdk::VmRef other = vm;
			other.gpuAddresses = {kVm01First6000Pro};
			backend->startVm(other);
			backend->stopVm(vm, std::chrono::seconds(0));
		}
		auto backend = load();
		backend->startVm(vm);
		CPPUNIT_ASSERT((backend->getVmStatus(vm).gpuAddresses == std::vector<std::string>{kVm01First6000Pro}));
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*backend, "vm01", kVm01First6000Pro));
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*backend, "vm01", kVm01First5090));
	}

	void olderFileHeldGpus()
	{
		// Older versions held a stopped VM's GPUs from create on and wrote "gpus_held" for it.
		writeState(stateVm("old-stopped", "mock-1000", 1000, kVm01First5090, "stopped", true) + ",\n"
			+ stateVm("old-running", "mock-1001", 1001, kVm01Second5090, "running", true));
		auto backend = load();
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*backend, "vm01", kVm01First5090));
		CPPUNIT_ASSERT_EQUAL(std::string("old-running"), gpuHolder(*backend, "vm01", kVm01Second5090));
		sdk::VmRef stopped{"old-stopped", "vm01", "mock-1000", {}};
		CPPUNIT_ASSERT(backend->getVmStatus(stopped).gpuAddresses.empty());
		backend->startVm(stopped);
		CPPUNIT_ASSERT_EQUAL(std::string("old-stopped"), gpuHolder(*backend, "vm01", kVm01First5090));
	}

	void runningVmsShareGpu()
	{
		writeState(stateVm("s1", "mock-1000", 1000, kVm01First5090, "stopped", false) + ",\n"
			+ stateVm("s2", "mock-1001", 1001, kVm01First5090, "stopped", false));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), load()->listVms().size());

		writeState(stateVm("r1", "mock-1000", 1000, kVm01First5090, "running", false) + ",\n"
			+ stateVm("r2", "mock-1001", 1001, kVm01First5090, "running", false));
		auto error = expectThrow<plugin::PluginLoadError>([&] { load(); });
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'" + kVm01First5090 + "'"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'r2'"));
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
	/// Returns one VM of a format 1 state file on node vm01 with one GPU.
	static std::string stateVm(const std::string& vmId, const std::string& backendId, int vmid,
		const std::string& gpu, const std::string& power, bool gpusHeld)
	{
		return "{\"vm_id\": \"" + vmId + "\", \"backend_id\": \"" + backendId + "\", \"vmid\": "
			+ std::to_string(vmid) + ", \"node\": \"vm01\", \"hostname\": \"" + vmId
			+ "\", \"template_vmid\": 100, \"cpu_cores\": 8, \"ram_mb\": 32768, \"disk_gb\": 100, "
			+ "\"gpu_addresses\": [\"" + gpu + "\"], \"gpus_held\": " + (gpusHeld ? "true" : "false")
			+ ", \"power\": \"" + power + "\", \"started_at_ms\": 0}";
	}

	void writeState(const std::string& vms)
	{
		std::ofstream(_path) << "{\"format\": 1, \"next_vmid\": 1002, \"vms\": [\n" << vms << "\n]}\n";
	}

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
