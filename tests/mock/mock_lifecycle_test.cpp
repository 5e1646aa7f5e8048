#include <set>

#include <cppunit/extensions/HelperMacros.h>

#include "mock_harness.h"
#include "support/expect_throw.h"

using namespace gpucloud;
using namespace gpucloud::testing;
using sdk::BackendError;
using sdk::ErrorKind;
using sdk::PowerState;

class MockLifecycleTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MockLifecycleTest);
	CPPUNIT_TEST(pluginInfo);
	CPPUNIT_TEST(defaultNodes);
	CPPUNIT_TEST(defaultGpus);
	CPPUNIT_TEST(createLeavesStopped);
	CPPUNIT_TEST(createRecordsGpus);
	CPPUNIT_TEST(createUsesStorage);
	CPPUNIT_TEST(createIdempotent);
	CPPUNIT_TEST(createUnknownGpu);
	CPPUNIT_TEST(createHeldGpu);
	CPPUNIT_TEST(createDuplicateGpu);
	CPPUNIT_TEST(createUnknownNode);
	CPPUNIT_TEST(createUnknownTemplate);
	CPPUNIT_TEST(createOfflineNode);
	CPPUNIT_TEST(createWithoutVmId);
	CPPUNIT_TEST(createTooLarge);
	CPPUNIT_TEST(createNoStorage);
	CPPUNIT_TEST(startRuns);
	CPPUNIT_TEST(startIdempotent);
	CPPUNIT_TEST(stopReleasesGpus);
	CPPUNIT_TEST(stopIdempotent);
	CPPUNIT_TEST(stopNeverStarted);
	CPPUNIT_TEST(startTakesGpusBack);
	CPPUNIT_TEST(startGpuTaken);
	CPPUNIT_TEST(startOtherGpus);
	CPPUNIT_TEST(startOtherGpuTaken);
	CPPUNIT_TEST(startUnknownGpu);
	CPPUNIT_TEST(startDuplicateGpu);
	CPPUNIT_TEST(startRunningKeepsGpus);
	CPPUNIT_TEST(rebootRunning);
	CPPUNIT_TEST(rebootStopped);
	CPPUNIT_TEST(resizeGrows);
	CPPUNIT_TEST(resizeShrinkRejected);
	CPPUNIT_TEST(resizeNoStorage);
	CPPUNIT_TEST(resizeOnlineUndeclared);
	CPPUNIT_TEST(undeclaredCapabilities);
	CPPUNIT_TEST(destroyReleases);
	CPPUNIT_TEST(destroyRunning);
	CPPUNIT_TEST(destroyIdempotent);
	CPPUNIT_TEST(refByVmId);
	CPPUNIT_TEST(refOnWrongNode);
	CPPUNIT_TEST(missingVm);
	CPPUNIT_TEST(guestAddress);
	CPPUNIT_TEST(guestMetrics);
	CPPUNIT_TEST(networkCounters);
	CPPUNIT_TEST(listVmsReportsAll);
	CPPUNIT_TEST(healthReport);
	CPPUNIT_TEST(logsStateChanges);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override { _backend = loadMock(_host); }
	void tearDown() override { _backend.reset(); }

	void pluginInfo()
	{
		sdk::PluginInfo info = _backend->info();
		CPPUNIT_ASSERT_EQUAL(std::string("mock"), info.name);
		CPPUNIT_ASSERT_EQUAL(sdk::kAbiVersion, info.abiVersion);
		CPPUNIT_ASSERT(info.has(sdk::Capability::GpuPassthrough));
		CPPUNIT_ASSERT(info.has(sdk::Capability::DiskResize));
		CPPUNIT_ASSERT(info.has(sdk::Capability::OnlineDiskResize));
		CPPUNIT_ASSERT(info.has(sdk::Capability::Reboot));
		CPPUNIT_ASSERT(info.has(sdk::Capability::Metrics));
		CPPUNIT_ASSERT(info.has(sdk::Capability::GuestIpReporting));
	}

	void defaultNodes()
	{
		std::vector<sdk::NodeInfo> nodes = _backend->listNodes();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), nodes.size());
		CPPUNIT_ASSERT_EQUAL(std::string("vm01"), nodes[0].name);
		CPPUNIT_ASSERT_EQUAL(std::string("vm02"), nodes[1].name);
		for (const sdk::NodeInfo& node : nodes)
		{
			CPPUNIT_ASSERT(node.status == sdk::NodeStatus::Online);
			CPPUNIT_ASSERT(!node.location.empty());
			CPPUNIT_ASSERT(!node.cpuModel.empty());
			CPPUNIT_ASSERT(node.cpuCores >= 64);
			CPPUNIT_ASSERT(node.ramMb >= 512 * 1024);
			CPPUNIT_ASSERT(node.storageFreeGb > 0);
			CPPUNIT_ASSERT(node.storageFreeGb <= node.storageTotalGb);
			CPPUNIT_ASSERT_EQUAL(5u, node.pcieGen);
			CPPUNIT_ASSERT((node.templateVmids == std::vector<std::int64_t>{100, 101, 102, 103, 104}));
		}
	}

	void defaultGpus()
	{
		std::map<std::string, std::uint64_t> vram = {{"5090", 32768}, {"4090", 24576}, {"6000pro", 98304}};
		for (const sdk::NodeInfo& node : _backend->listNodes())
		{
			std::set<std::string> addresses;
			std::set<std::string> types;
			for (const sdk::GpuDevice& gpu : node.gpus)
			{
				CPPUNIT_ASSERT_MESSAGE(gpu.type, vram.count(gpu.type) == 1);
				CPPUNIT_ASSERT_EQUAL(vram[gpu.type], gpu.vramMb);
				CPPUNIT_ASSERT(!gpu.model.empty());
				CPPUNIT_ASSERT(gpu.assignedVmId.empty());
				addresses.insert(gpu.address);
				types.insert(gpu.type);
			}
			CPPUNIT_ASSERT_EQUAL(node.gpus.size(), addresses.size());
			CPPUNIT_ASSERT_EQUAL(std::size_t(3), types.size());
		}
		sdk::NodeInfo vm01 = findNode(*_backend, "vm01");
		CPPUNIT_ASSERT_EQUAL(kVm01First5090, vm01.gpus.at(0).address);
		CPPUNIT_ASSERT_EQUAL(std::string("RTX 5090"), vm01.gpus.at(0).model);
		CPPUNIT_ASSERT_EQUAL(kVm01First4090, vm01.gpus.at(4).address);
		CPPUNIT_ASSERT_EQUAL(kVm01First6000Pro, vm01.gpus.at(6).address);
		CPPUNIT_ASSERT_EQUAL(std::string("RTX PRO 6000"), vm01.gpus.at(6).model);
	}

	void createLeavesStopped()
	{
		sdk::VmSpec spec = vmSpec("a1");
		sdk::CreatedVm created = _backend->createVm(spec);
		CPPUNIT_ASSERT(!created.backendId.empty());
		CPPUNIT_ASSERT(created.vmid >= 1000);
		sdk::VmStatus status = _backend->getVmStatus(refTo(spec, created));
		CPPUNIT_ASSERT(status.power == PowerState::Stopped);
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), status.vmId);
		CPPUNIT_ASSERT_EQUAL(std::string("vm01"), status.node);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(100), status.diskGb);
		CPPUNIT_ASSERT(status.ipAddresses.empty());
		CPPUNIT_ASSERT(status.cpuPercent < 0);
	}

	void createRecordsGpus()
	{
		sdk::VmSpec spec = vmSpec("a1", "vm01", {kVm01First5090, kVm01First4090});
		sdk::VmRef vm = refTo(spec, _backend->createVm(spec));
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First5090));
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First4090));
		CPPUNIT_ASSERT(_backend->getVmStatus(vm).gpuAddresses.empty());
		_backend->startVm(vm);
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*_backend, "vm01", kVm01First5090));
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*_backend, "vm01", kVm01First4090));
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01Second5090));
		CPPUNIT_ASSERT(_backend->getVmStatus(vm).gpuAddresses == spec.gpuAddresses);
	}

	void createUsesStorage()
	{
		std::uint64_t before = findNode(*_backend, "vm01").storageFreeGb;
		std::uint64_t otherNode = findNode(*_backend, "vm02").storageFreeGb;
		_backend->createVm(vmSpec("a1"));
		CPPUNIT_ASSERT_EQUAL(before - 100, findNode(*_backend, "vm01").storageFreeGb);
		CPPUNIT_ASSERT_EQUAL(otherNode, findNode(*_backend, "vm02").storageFreeGb);
	}

	void createIdempotent()
	{
		sdk::VmSpec spec = vmSpec("a1", "vm01", {kVm01First5090});
		sdk::CreatedVm first = _backend->createVm(spec);
		sdk::CreatedVm second = _backend->createVm(spec);
		CPPUNIT_ASSERT_EQUAL(first.backendId, second.backendId);
		CPPUNIT_ASSERT_EQUAL(first.vmid, second.vmid);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _backend->listVms().size());
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First5090));
	}

	void createUnknownGpu()
	{
		auto error = expectThrow<BackendError>([&] { _backend->createVm(vmSpec("a1", "vm01", {"0000:99:00.0"})); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::InvalidRequest);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'0000:99:00.0'"));
		CPPUNIT_ASSERT(_backend->listVms().empty());
	}

	void createHeldGpu()
	{
		_backend->startVm(create("a1", {kVm01First5090}));
		sdk::VmRef second = create("a2", {kVm01First5090});
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), _backend->listVms().size());
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*_backend, "vm01", kVm01First5090));
		auto error = expectThrow<BackendError>([&] { _backend->startVm(second); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::CapacityExhausted);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'a1'"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'a2'"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "Backend 'mock', startVm"));
		CPPUNIT_ASSERT(_backend->getVmStatus(second).power == PowerState::Stopped);
	}

	void createDuplicateGpu()
	{
		auto error = expectThrow<BackendError>([&] {
			_backend->createVm(vmSpec("a1", "vm01", {kVm01First5090, kVm01First5090}));
		});
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::InvalidRequest);
	}

	void createUnknownNode()
	{
		auto error = expectThrow<BackendError>([&] { _backend->createVm(vmSpec("a1", "vm77")); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::NotFound);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'vm77'"));
	}

	void createUnknownTemplate()
	{
		sdk::VmSpec spec = vmSpec("a1");
		spec.templateVmid = 999;
		auto error = expectThrow<BackendError>([&] { _backend->createVm(spec); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::NotFound);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "Template 999"));
	}

	void createOfflineNode()
	{
		auto backend = loadMock(_host, {{"node.vm02.status", "offline"}, {"node.vm02.status_reason", "maintenance"}});
		auto error = expectThrow<BackendError>([&] { backend->createVm(vmSpec("a1", "vm02")); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::Unavailable);
		CPPUNIT_ASSERT(error.retryAfter().count() > 0);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "maintenance"));
		sdk::NodeInfo vm02 = findNode(*backend, "vm02");
		CPPUNIT_ASSERT(vm02.status == sdk::NodeStatus::Offline);
		CPPUNIT_ASSERT_EQUAL(std::string("maintenance"), vm02.statusReason);
	}

	void createWithoutVmId()
	{
		auto error = expectThrow<BackendError>([&] { _backend->createVm(vmSpec("")); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::InvalidRequest);
	}

	void createTooLarge()
	{
		sdk::VmSpec spec = vmSpec("a1");
		spec.cpuCores = 100000;
		auto error = expectThrow<BackendError>([&] { _backend->createVm(spec); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::InvalidRequest);
	}

	void createNoStorage()
	{
		sdk::VmSpec spec = vmSpec("a1");
		spec.diskGb = findNode(*_backend, "vm01").storageFreeGb + 1;
		auto error = expectThrow<BackendError>([&] { _backend->createVm(spec); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::CapacityExhausted);
	}

	void startRuns()
	{
		sdk::VmRef vm = create("a1", {kVm01First5090});
		_backend->startVm(vm);
		sdk::VmStatus status = _backend->getVmStatus(vm);
		CPPUNIT_ASSERT(status.power == PowerState::Running);
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*_backend, "vm01", kVm01First5090));
		CPPUNIT_ASSERT((status.gpuAddresses == std::vector<std::string>{kVm01First5090}));
	}

	void startIdempotent()
	{
		sdk::VmRef vm = create("a1");
		_backend->startVm(vm);
		_backend->startVm(vm);
		CPPUNIT_ASSERT(_backend->getVmStatus(vm).power == PowerState::Running);
	}

	void stopReleasesGpus()
	{
		sdk::VmRef vm = create("a1", {kVm01First5090, kVm01First6000Pro});
		_backend->startVm(vm);
		_backend->stopVm(vm, std::chrono::seconds(30));
		sdk::VmStatus status = _backend->getVmStatus(vm);
		CPPUNIT_ASSERT(status.power == PowerState::Stopped);
		CPPUNIT_ASSERT(status.gpuAddresses.empty());
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First5090));
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First6000Pro));
	}

	void stopIdempotent()
	{
		sdk::VmRef vm = create("a1");
		_backend->startVm(vm);
		_backend->stopVm(vm, std::chrono::seconds(0));
		_backend->stopVm(vm, std::chrono::seconds(0));
		CPPUNIT_ASSERT(_backend->getVmStatus(vm).power == PowerState::Stopped);
	}

	void stopNeverStarted()
	{
		sdk::VmRef vm = create("a1", {kVm01First5090});
		_backend->stopVm(vm, std::chrono::seconds(0));
		CPPUNIT_ASSERT(_backend->getVmStatus(vm).power == PowerState::Stopped);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First5090));
	}

	void startTakesGpusBack()
	{
		sdk::VmRef vm = create("a1", {kVm01First5090});
		_backend->startVm(vm);
		_backend->stopVm(vm, std::chrono::seconds(0));
		_backend->startVm(vm);
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*_backend, "vm01", kVm01First5090));
	}

	void startGpuTaken()
	{
		sdk::VmRef first = create("a1", {kVm01First5090});
		_backend->startVm(first);
		_backend->stopVm(first, std::chrono::seconds(0));
		_backend->startVm(create("a2", {kVm01First5090}));
		auto error = expectThrow<BackendError>([&] { _backend->startVm(first); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::CapacityExhausted);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'" + kVm01First5090 + "'"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'a2'"));
		CPPUNIT_ASSERT(_backend->getVmStatus(first).power == PowerState::Stopped);
		CPPUNIT_ASSERT_EQUAL(std::string("a2"), gpuHolder(*_backend, "vm01", kVm01First5090));
	}

	void startOtherGpus()
	{
		sdk::VmRef vm = create("a1", {kVm01First5090});
		_backend->startVm(vm);
		_backend->stopVm(vm, std::chrono::seconds(0));
		const std::vector<std::string> others = {kVm01Second5090, kVm01First4090};
		_backend->startVm(withGpus(vm, others));
		CPPUNIT_ASSERT(_backend->getVmStatus(vm).gpuAddresses == others);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First5090));
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*_backend, "vm01", kVm01Second5090));
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*_backend, "vm01", kVm01First4090));
		// The GPUs of the last start replace the recorded ones, so a start without GPUs takes them again.
		_backend->stopVm(vm, std::chrono::seconds(0));
		_backend->startVm(vm);
		CPPUNIT_ASSERT(_backend->getVmStatus(vm).gpuAddresses == others);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First5090));
	}

	void startOtherGpuTaken()
	{
		_backend->startVm(create("a1", {kVm01Second5090}));
		sdk::VmRef vm = create("a2", {kVm01First5090});
		auto error = expectThrow<BackendError>([&] {
			_backend->startVm(withGpus(vm, {kVm01First4090, kVm01Second5090}));
		});
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::CapacityExhausted);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'" + kVm01Second5090 + "'"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'a1'"));
		CPPUNIT_ASSERT(_backend->getVmStatus(vm).power == PowerState::Stopped);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First4090));
		// A failed start leaves the recorded GPUs as they were.
		_backend->startVm(vm);
		CPPUNIT_ASSERT((_backend->getVmStatus(vm).gpuAddresses == std::vector<std::string>{kVm01First5090}));
	}

	void startUnknownGpu()
	{
		sdk::VmRef vm = create("a1", {kVm01First5090});
		auto error = expectThrow<BackendError>([&] { _backend->startVm(withGpus(vm, {"0000:99:00.0"})); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::InvalidRequest);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'0000:99:00.0'"));
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "'a1'"));
		CPPUNIT_ASSERT(_backend->getVmStatus(vm).power == PowerState::Stopped);
	}

	void startDuplicateGpu()
	{
		sdk::VmRef vm = create("a1");
		auto error = expectThrow<BackendError>([&] {
			_backend->startVm(withGpus(vm, {kVm01First5090, kVm01First5090}));
		});
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::InvalidRequest);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First5090));
	}

	void startRunningKeepsGpus()
	{
		sdk::VmRef vm = create("a1", {kVm01First5090});
		_backend->startVm(vm);
		_backend->startVm(withGpus(vm, {kVm01Second5090}));
		CPPUNIT_ASSERT((_backend->getVmStatus(vm).gpuAddresses == std::vector<std::string>{kVm01First5090}));
		CPPUNIT_ASSERT_EQUAL(std::string("a1"), gpuHolder(*_backend, "vm01", kVm01First5090));
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01Second5090));
	}

	void rebootRunning()
	{
		sdk::VmRef vm = create("a1");
		_backend->startVm(vm);
		_host.advance(std::chrono::minutes(10));
		std::uint64_t before = _backend->getVmStatus(vm).networkTxBytes;
		_backend->rebootVm(vm);
		sdk::VmStatus status = _backend->getVmStatus(vm);
		CPPUNIT_ASSERT(status.power == PowerState::Running);
		CPPUNIT_ASSERT(before > 0);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), status.networkTxBytes);
	}

	void rebootStopped()
	{
		sdk::VmRef vm = create("a1");
		auto error = expectThrow<BackendError>([&] { _backend->rebootVm(vm); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::Conflict);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "is not running"));
	}

	void resizeGrows()
	{
		sdk::VmRef vm = create("a1");
		std::uint64_t before = findNode(*_backend, "vm01").storageFreeGb;
		_backend->resizeDisk(vm, 250);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(250), _backend->getVmStatus(vm).diskGb);
		CPPUNIT_ASSERT_EQUAL(before - 150, findNode(*_backend, "vm01").storageFreeGb);
		_backend->startVm(vm);
		_backend->resizeDisk(vm, 300);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(300), _backend->getVmStatus(vm).diskGb);
		_backend->resizeDisk(vm, 300);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(300), _backend->getVmStatus(vm).diskGb);
	}

	void resizeShrinkRejected()
	{
		sdk::VmRef vm = create("a1");
		auto error = expectThrow<BackendError>([&] { _backend->resizeDisk(vm, 50); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::InvalidRequest);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(100), _backend->getVmStatus(vm).diskGb);
	}

	void resizeNoStorage()
	{
		sdk::VmRef vm = create("a1");
		std::uint64_t tooLarge = 100 + findNode(*_backend, "vm01").storageFreeGb + 1;
		auto error = expectThrow<BackendError>([&] { _backend->resizeDisk(vm, tooLarge); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::CapacityExhausted);
	}

	void resizeOnlineUndeclared()
	{
		auto backend = loadMock(_host, {{"capabilities", "gpu_passthrough, disk_resize"}});
		sdk::VmSpec spec = vmSpec("a1");
		sdk::VmRef vm = refTo(spec, backend->createVm(spec));
		backend->resizeDisk(vm, 120);
		backend->startVm(vm);
		auto error = expectThrow<BackendError>([&] { backend->resizeDisk(vm, 150); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::NotSupported);
		CPPUNIT_ASSERT_MESSAGE(error.what(), contains(error.what(), "online_disk_resize"));
	}

	void undeclaredCapabilities()
	{
		// Without the loader's enforcement the plugin itself must raise NotSupported.
		auto backend = loadMock(_host, {{"capabilities", "disk_resize"}}, "bare", false);
		CPPUNIT_ASSERT(!backend->info().has(sdk::Capability::Reboot));
		auto gpus = expectThrow<BackendError>([&] { backend->createVm(vmSpec("a1", "vm01", {kVm01First5090})); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(gpus), gpus.kind() == ErrorKind::NotSupported);
		CPPUNIT_ASSERT_MESSAGE(gpus.what(), contains(gpus.what(), "gpu_passthrough"));
		sdk::VmSpec spec = vmSpec("a2");
		sdk::VmRef vm = refTo(spec, backend->createVm(spec));
		auto startGpus = expectThrow<BackendError>([&] { backend->startVm(withGpus(vm, {kVm01First5090})); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(startGpus), startGpus.kind() == ErrorKind::NotSupported);
		CPPUNIT_ASSERT_MESSAGE(startGpus.what(), contains(startGpus.what(), "gpu_passthrough"));
		backend->startVm(vm);
		auto reboot = expectThrow<BackendError>([&] { backend->rebootVm(vm); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(reboot), reboot.kind() == ErrorKind::NotSupported);
		CPPUNIT_ASSERT_MESSAGE(reboot.what(), contains(reboot.what(), "'reboot'"));
		sdk::VmStatus status = backend->getVmStatus(vm);
		CPPUNIT_ASSERT(status.ipAddresses.empty());
		CPPUNIT_ASSERT(status.cpuPercent < 0);
	}

	void destroyReleases()
	{
		std::uint64_t before = findNode(*_backend, "vm01").storageFreeGb;
		sdk::VmRef vm = create("a1", {kVm01First5090});
		_backend->destroyVm(vm);
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First5090));
		CPPUNIT_ASSERT_EQUAL(before, findNode(*_backend, "vm01").storageFreeGb);
		CPPUNIT_ASSERT(_backend->listVms().empty());
		auto error = expectThrow<BackendError>([&] { _backend->getVmStatus(vm); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::NotFound);
	}

	void destroyRunning()
	{
		sdk::VmRef vm = create("a1", {kVm01First5090});
		_backend->startVm(vm);
		_backend->destroyVm(vm);
		CPPUNIT_ASSERT(_backend->listVms().empty());
		CPPUNIT_ASSERT_EQUAL(std::string(), gpuHolder(*_backend, "vm01", kVm01First5090));
	}

	void destroyIdempotent()
	{
		sdk::VmRef vm = create("a1");
		_backend->destroyVm(vm);
		_backend->destroyVm(vm);
		_backend->destroyVm(sdk::VmRef{"never-created", "vm01", "", {}});
		_backend->destroyVm(sdk::VmRef{"never-created", "vm01", "mock-424242", {}});
		CPPUNIT_ASSERT(_backend->listVms().empty());
	}

	void refByVmId()
	{
		sdk::VmRef vm = create("a1");
		_backend->startVm(sdk::VmRef{"a1", "vm01", "", {}});
		CPPUNIT_ASSERT(_backend->getVmStatus(vm).power == PowerState::Running);
		CPPUNIT_ASSERT_EQUAL(vm.backendId, _backend->getVmStatus(sdk::VmRef{"a1", "", "", {}}).backendId);
	}

	void refOnWrongNode()
	{
		sdk::VmRef vm = create("a1");
		vm.node = "vm02";
		auto error = expectThrow<BackendError>([&] { _backend->startVm(vm); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(error), error.kind() == ErrorKind::NotFound);
	}

	void missingVm()
	{
		sdk::VmRef vm{"ghost", "vm01", "mock-5000", {}};
		auto start = expectThrow<BackendError>([&] { _backend->startVm(vm); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(start), start.kind() == ErrorKind::NotFound);
		CPPUNIT_ASSERT_MESSAGE(start.what(), contains(start.what(), "'ghost'"));
		CPPUNIT_ASSERT_MESSAGE(start.what(), contains(start.what(), "'vm01'"));
		CPPUNIT_ASSERT_MESSAGE(start.what(), contains(start.what(), "startVm"));
		auto stop = expectThrow<BackendError>([&] { _backend->stopVm(vm, std::chrono::seconds(0)); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(stop), stop.kind() == ErrorKind::NotFound);
		auto resize = expectThrow<BackendError>([&] { _backend->resizeDisk(vm, 500); });
		CPPUNIT_ASSERT_MESSAGE(kindOf(resize), resize.kind() == ErrorKind::NotFound);
	}

	void guestAddress()
	{
		sdk::VmRef first = create("a1");
		sdk::VmRef second = create("a2");
		_backend->startVm(first);
		_backend->startVm(second);
		std::vector<std::string> firstIps = _backend->getVmStatus(first).ipAddresses;
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), firstIps.size());
		CPPUNIT_ASSERT_MESSAGE(firstIps[0], firstIps[0].rfind("10.66.", 0) == 0);
		CPPUNIT_ASSERT(firstIps == _backend->getVmStatus(first).ipAddresses);
		CPPUNIT_ASSERT(firstIps != _backend->getVmStatus(second).ipAddresses);
		_backend->stopVm(first, std::chrono::seconds(0));
		CPPUNIT_ASSERT(_backend->getVmStatus(first).ipAddresses.empty());
		_backend->startVm(first);
		CPPUNIT_ASSERT(firstIps == _backend->getVmStatus(first).ipAddresses);
	}

	void guestMetrics()
	{
		sdk::VmRef vm = create("a1");
		_backend->startVm(vm);
		sdk::VmStatus first = _backend->getVmStatus(vm);
		sdk::VmStatus again = _backend->getVmStatus(vm);
		CPPUNIT_ASSERT(first.cpuPercent >= 2 && first.cpuPercent <= 98);
		CPPUNIT_ASSERT(first.ramPercent >= 20 && first.ramPercent <= 95);
		CPPUNIT_ASSERT_EQUAL(first.cpuPercent, again.cpuPercent);
		CPPUNIT_ASSERT_EQUAL(first.ramPercent, again.ramPercent);
		_host.advance(std::chrono::minutes(3));
		sdk::VmStatus later = _backend->getVmStatus(vm);
		CPPUNIT_ASSERT(later.cpuPercent != first.cpuPercent);
		CPPUNIT_ASSERT(later.cpuPercent >= 2 && later.cpuPercent <= 98);
	}

	void networkCounters()
	{
		sdk::VmRef vm = create("a1");
		_backend->startVm(vm);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), _backend->getVmStatus(vm).networkRxBytes);
		_host.advance(std::chrono::seconds(60));
		sdk::VmStatus minute = _backend->getVmStatus(vm);
		_host.advance(std::chrono::seconds(60));
		sdk::VmStatus twoMinutes = _backend->getVmStatus(vm);
		CPPUNIT_ASSERT(minute.networkRxBytes > 0);
		CPPUNIT_ASSERT(minute.networkTxBytes > 0);
		CPPUNIT_ASSERT(twoMinutes.networkRxBytes > minute.networkRxBytes);
		CPPUNIT_ASSERT(twoMinutes.networkTxBytes > minute.networkTxBytes);
	}

	void listVmsReportsAll()
	{
		sdk::VmRef running = create("a1", {kVm01First5090});
		_backend->startVm(running);
		sdk::VmSpec spec = vmSpec("b1", "vm02");
		_backend->createVm(spec);
		std::vector<sdk::VmStatus> vms = _backend->listVms();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), vms.size());
		std::map<std::string, sdk::VmStatus> byId;
		for (const sdk::VmStatus& vm : vms)
			byId[vm.vmId] = vm;
		CPPUNIT_ASSERT(byId.at("a1").power == PowerState::Running);
		CPPUNIT_ASSERT(byId.at("b1").power == PowerState::Stopped);
		CPPUNIT_ASSERT_EQUAL(std::string("vm02"), byId.at("b1").node);
	}

	void healthReport()
	{
		sdk::HealthReport report = _backend->checkHealth();
		CPPUNIT_ASSERT(report.healthy);
		CPPUNIT_ASSERT_EQUAL(std::string("online"), report.nodes.at("vm01"));
		CPPUNIT_ASSERT_EQUAL(std::string("online"), report.nodes.at("vm02"));
		auto partly = loadMock(_host, {{"node.vm02.status", "offline"}});
		sdk::HealthReport partlyReport = partly->checkHealth();
		CPPUNIT_ASSERT(partlyReport.healthy);
		CPPUNIT_ASSERT_EQUAL(std::string("offline: configured offline"), partlyReport.nodes.at("vm02"));
		auto none = loadMock(_host, {{"nodes", "vm01"}, {"node.vm01.status", "offline"}});
		CPPUNIT_ASSERT(!none->checkHealth().healthy);
	}

	void logsStateChanges()
	{
		sdk::VmRef vm = create("a1", {kVm01First5090});
		_backend->startVm(vm);
		CPPUNIT_ASSERT(_host.logged("Created VM 'a1'"));
		CPPUNIT_ASSERT(_host.logged("Started VM 'a1'"));
		CPPUNIT_ASSERT(!_host.logged("ssh-ed25519"));
	}

private:
	sdk::VmRef create(const std::string& vmId, const std::vector<std::string>& gpus = {})
	{
		sdk::VmSpec spec = vmSpec(vmId, "vm01", gpus);
		return refTo(spec, _backend->createVm(spec));
	}

	static sdk::VmRef withGpus(sdk::VmRef vm, const std::vector<std::string>& gpus)
	{
		vm.gpuAddresses = gpus;
		return vm;
	}

	RecordingHost _host;
	std::shared_ptr<sdk::HypervisorBackend> _backend;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MockLifecycleTest);
