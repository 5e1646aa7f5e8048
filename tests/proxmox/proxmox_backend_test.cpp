// The proxmox plugin against the fake Proxmox server: the whole VM lifecycle and the backend contract.

#include <algorithm>
#include <optional>

#include <cppunit/extensions/HelperMacros.h>

#include "proxmox_test_support.h"

using namespace gpucloud;
using namespace gpucloud::testing::proxmox;

namespace
{

std::optional<sdk::GpuDevice> findGpu(const std::vector<sdk::NodeInfo>& nodes, const std::string& node,
	const std::string& address)
{
	for (const sdk::NodeInfo& info : nodes)
	{
		if (info.name != node)
			continue;
		for (const sdk::GpuDevice& gpu : info.gpus)
		{
			if (gpu.address == address)
				return gpu;
		}
	}
	return std::nullopt;
}

sdk::VmRef refOf(const sdk::VmSpec& spec, const sdk::CreatedVm& created)
{
	return sdk::VmRef{spec.vmId, spec.node, created.backendId, {}};
}

} // namespace

class ProxmoxBackendTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProxmoxBackendTest);
	CPPUNIT_TEST(infoDeclaresCapabilities);
	CPPUNIT_TEST(listNodesReportsGpusAndTemplates);
	CPPUNIT_TEST(createConfiguresClone);
	CPPUNIT_TEST(createSendsSshKeysEncodedTwice);
	CPPUNIT_TEST(createIsIdempotent);
	CPPUNIT_TEST(createFindsVmWithoutBackendId);
	CPPUNIT_TEST(startReportsRoutableAddress);
	CPPUNIT_TEST(gpusFreeAfterStop);
	CPPUNIT_TEST(gpusFreeAfterDestroy);
	CPPUNIT_TEST(startAttachesOtherGpu);
	CPPUNIT_TEST(startWithHeldGpuRejected);
	CPPUNIT_TEST(destroyIsIdempotent);
	CPPUNIT_TEST(destroyUsesQueryString);
	CPPUNIT_TEST(rebootRunningVm);
	CPPUNIT_TEST(rebootStoppedVmConflicts);
	CPPUNIT_TEST(resizeOnVersion8Task);
	CPPUNIT_TEST(resizeOnVersion7Null);
	CPPUNIT_TEST(resizeShrinkRejected);
	CPPUNIT_TEST(gracefulStopIgnoredGuest);
	CPPUNIT_TEST(statusOfMissingVmNotFound);
	CPPUNIT_TEST(listVmsIncludesForeignVm);
	CPPUNIT_TEST(unknownTemplateNotFound);
	CPPUNIT_TEST(unknownGpuRejected);
	CPPUNIT_TEST(healthReportsOfflineNode);
	CPPUNIT_TEST_SUITE_END();

public:
	void infoDeclaresCapabilities()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::PluginInfo info = backend->info();
		CPPUNIT_ASSERT_EQUAL(std::string("proxmox"), info.name);
		CPPUNIT_ASSERT_EQUAL(sdk::kAbiVersion, info.abiVersion);
		CPPUNIT_ASSERT(info.has(sdk::Capability::GpuPassthrough));
		CPPUNIT_ASSERT(info.has(sdk::Capability::CloudInit));
		CPPUNIT_ASSERT(info.has(sdk::Capability::GuestIpReporting));
	}

	void listNodesReportsGpusAndTemplates()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		std::vector<sdk::NodeInfo> nodes = backend->listNodes();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), nodes.size());
		const sdk::NodeInfo& pve1 = nodes[0];
		CPPUNIT_ASSERT_EQUAL(std::string("pve1"), pve1.name);
		CPPUNIT_ASSERT(pve1.status == sdk::NodeStatus::Online);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(64), pve1.cpuCores);
		CPPUNIT_ASSERT_EQUAL(std::string("AMD EPYC 7543 32-Core Processor"), pve1.cpuModel);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), pve1.gpus.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a40/0000:41:00.0"), pve1.gpus[0].address);
		CPPUNIT_ASSERT_EQUAL(std::string("NVIDIA A40"), pve1.gpus[0].model);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(46068), pve1.gpus[0].vramMb);
		CPPUNIT_ASSERT(pve1.gpus[0].assignedVmId.empty());
		CPPUNIT_ASSERT(pve1.storageTotalGb > 0);
		CPPUNIT_ASSERT(pve1.templateVmids == std::vector<std::int64_t>{9000});
		// A mapping with one device on a node is addressed by its name alone.
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), nodes[1].gpus.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a40"), nodes[1].gpus[0].address);
		CPPUNIT_ASSERT(nodes[1].templateVmids == std::vector<std::int64_t>{9000});
	}

	void createConfiguresClone()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000001", "pve1", {"a40/0000:41:00.0"});
		sdk::CreatedVm created = backend->createVm(spec);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(100), created.vmid);
		CPPUNIT_ASSERT_EQUAL(std::string("100"), created.backendId);

		auto config = server.cluster().vmConfig(100);
		CPPUNIT_ASSERT_EQUAL(std::string("8"), config["cores"]);
		CPPUNIT_ASSERT_EQUAL(std::string("16384"), config["memory"]);
		CPPUNIT_ASSERT_EQUAL(std::string("q35"), config["machine"]);
		CPPUNIT_ASSERT_EQUAL(std::string("mapping=a40,pcie=1"), config["hostpci0"]);
		CPPUNIT_ASSERT_EQUAL(std::string("ubuntu"), config["ciuser"]);
		CPPUNIT_ASSERT_EQUAL(std::string("gpucloud"), config["tags"]);
		CPPUNIT_ASSERT_EQUAL(std::string("runner-11111111"), config["name"]);
		CPPUNIT_ASSERT(config["scsi0"].find("size=64G") != std::string::npos);
		CPPUNIT_ASSERT(config["description"].find(spec.vmId) != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), config.count("lock"));
		CPPUNIT_ASSERT(!server.cluster().isRunning(100));
		CPPUNIT_ASSERT(backend->getVmStatus(refOf(spec, created)).power == sdk::PowerState::Stopped);
	}

	void createSendsSshKeysEncodedTwice()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		backend->createVm(makeSpec("11111111-aaaa-4bbb-8ccc-000000000002"));
		auto config = server.cluster().vmConfig(100);
		// The server stores the once-encoded form; the form body carried it encoded twice.
		CPPUNIT_ASSERT_EQUAL(std::string("ssh-ed25519%20AAAAC3NzaC1lZDI1NTE5AAAAIGb%2Bfake%2Fkey%3D%3D%20ci%40runner"),
			config["sshkeys"]);
		bool sawDoubleEncoding = false;
		for (const RecordedRequest& request : server.requests())
		{
			if (request.method == "POST" && request.target.find("/config") != std::string::npos)
				sawDoubleEncoding = request.body.find("sshkeys=ssh-ed25519%2520") != std::string::npos;
		}
		CPPUNIT_ASSERT(sawDoubleEncoding);
	}

	void createIsIdempotent()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000003");
		sdk::CreatedVm first = backend->createVm(spec);
		sdk::CreatedVm second = backend->createVm(spec);
		CPPUNIT_ASSERT_EQUAL(first.backendId, second.backendId);
		CPPUNIT_ASSERT_EQUAL(1, server.cluster().finishedTasks("qmclone"));
	}

	void createFindsVmWithoutBackendId()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000004");
		sdk::CreatedVm created = backend->createVm(spec);
		sdk::VmStatus status = backend->getVmStatus(sdk::VmRef{spec.vmId, "", "", {}});
		CPPUNIT_ASSERT_EQUAL(created.backendId, status.backendId);
		CPPUNIT_ASSERT_EQUAL(spec.vmId, status.vmId);
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(64), status.diskGb);
	}

	void startReportsRoutableAddress()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000005", "pve1", {"a40/0000:41:00.0"});
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		backend->startVm(ref);
		backend->startVm(ref);  // starting a running VM succeeds
		sdk::VmStatus status = backend->getVmStatus(ref);
		CPPUNIT_ASSERT(status.power == sdk::PowerState::Running);
		CPPUNIT_ASSERT(!status.ipAddresses.empty());
		CPPUNIT_ASSERT_EQUAL(std::string("10.20.0.110"), status.ipAddresses.front());
		CPPUNIT_ASSERT(status.cpuPercent >= 0);
		CPPUNIT_ASSERT(status.ramPercent > 0);
		CPPUNIT_ASSERT(status.gpuAddresses == std::vector<std::string>{"a40/0000:41:00.0"});
		std::optional<sdk::GpuDevice> gpu = findGpu(backend->listNodes(), "pve1", "a40/0000:41:00.0");
		CPPUNIT_ASSERT(gpu.has_value());
		CPPUNIT_ASSERT_EQUAL(spec.vmId, gpu->assignedVmId);
	}

	void gpusFreeAfterStop()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000006", "pve2", {"a40"});
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		backend->startVm(ref);
		CPPUNIT_ASSERT_EQUAL(spec.vmId, findGpu(backend->listNodes(), "pve2", "a40")->assignedVmId);
		backend->stopVm(ref, std::chrono::seconds(5));
		backend->stopVm(ref, std::chrono::seconds(5));  // stopping a stopped VM succeeds
		CPPUNIT_ASSERT(findGpu(backend->listNodes(), "pve2", "a40")->assignedVmId.empty());
		CPPUNIT_ASSERT(backend->getVmStatus(ref).power == sdk::PowerState::Stopped);
	}

	void gpusFreeAfterDestroy()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000007", "pve1", {"a40/0000:c1:00.0"});
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		backend->startVm(ref);
		backend->destroyVm(ref);  // forces the running VM off first
		CPPUNIT_ASSERT(!server.cluster().hasVm(100));
		CPPUNIT_ASSERT(findGpu(backend->listNodes(), "pve1", "a40/0000:c1:00.0")->assignedVmId.empty());
	}

	void startAttachesOtherGpu()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000019", "pve1", {"a40/0000:41:00.0"});
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		ref.gpuAddresses = {"a40/0000:c1:00.0", "a40/0000:41:00.0"};
		backend->startVm(ref);
		auto config = server.cluster().vmConfig(100);
		CPPUNIT_ASSERT_EQUAL(std::string("mapping=a40,pcie=1"), config["hostpci1"]);
		CPPUNIT_ASSERT(backend->getVmStatus(ref).gpuAddresses == ref.gpuAddresses);
		std::optional<sdk::GpuDevice> gpu = findGpu(backend->listNodes(), "pve1", "a40/0000:c1:00.0");
		CPPUNIT_ASSERT_EQUAL(spec.vmId, gpu->assignedVmId);

		backend->stopVm(ref, std::chrono::seconds(0));
		ref.gpuAddresses = {"a40/0000:c1:00.0"};
		backend->startVm(ref);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), server.cluster().vmConfig(100).count("hostpci1"));
		ref.gpuAddresses = {"h100"};
		backend->stopVm(ref, std::chrono::seconds(0));
		sdk::BackendError error = expectBackendError([&] { backend->startVm(ref); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::InvalidRequest);
	}

	void startWithHeldGpuRejected()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec holder = makeSpec("11111111-aaaa-4bbb-8ccc-000000000020", "pve1", {"a40/0000:41:00.0"});
		sdk::VmSpec other = makeSpec("11111111-aaaa-4bbb-8ccc-000000000021", "pve1", {"a40/0000:41:00.0"});
		sdk::VmRef holderRef = refOf(holder, backend->createVm(holder));
		sdk::VmRef otherRef = refOf(other, backend->createVm(other));
		backend->startVm(holderRef);
		// The pool still has a free device, but the address the server chose is taken.
		sdk::BackendError error = expectBackendError([&] { backend->startVm(otherRef); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::CapacityExhausted);
		CPPUNIT_ASSERT(std::string(error.what()).find("a40/0000:41:00.0") != std::string::npos);
		CPPUNIT_ASSERT(!server.cluster().isRunning(101));
	}

	void destroyIsIdempotent()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000008");
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		backend->destroyVm(ref);
		backend->destroyVm(ref);
		backend->destroyVm(sdk::VmRef{"never-created", "pve1", "4242", {}});
		CPPUNIT_ASSERT(!server.cluster().hasVm(100));
	}

	void destroyUsesQueryString()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000009");
		backend->destroyVm(refOf(spec, backend->createVm(spec)));
		bool found = false;
		for (const RecordedRequest& request : server.requests())
		{
			if (request.method != "DELETE")
				continue;
			found = true;
			CPPUNIT_ASSERT_EQUAL(std::string("/api2/json/nodes/pve1/qemu/100?purge=1&destroy-unreferenced-disks=1"),
				request.target);
			CPPUNIT_ASSERT(request.body.empty());
		}
		CPPUNIT_ASSERT(found);
	}

	void rebootRunningVm()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000010");
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		backend->startVm(ref);
		backend->rebootVm(ref);
		CPPUNIT_ASSERT_EQUAL(1, server.cluster().finishedTasks("qmreboot"));
		CPPUNIT_ASSERT(server.cluster().isRunning(100));
	}

	void rebootStoppedVmConflicts()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000011");
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		sdk::BackendError error = expectBackendError([&] { backend->rebootVm(ref); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Conflict);
		CPPUNIT_ASSERT(std::string(error.what()).find("node 'pve1'") != std::string::npos);
	}

	void resizeOnVersion8Task()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000012");
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		backend->resizeDisk(ref, 100);
		CPPUNIT_ASSERT(server.cluster().vmConfig(100)["scsi0"].find("size=100G") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(2, server.cluster().finishedTasks("resize"));
	}

	void resizeOnVersion7Null()
	{
		FakeProxmoxOptions options = fastOptions();
		options.version = FakeVersion::of("7.4.3");
		FakeProxmoxServer server(options);
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000013");
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		backend->resizeDisk(ref, 128);
		CPPUNIT_ASSERT(server.cluster().vmConfig(100)["scsi0"].find("size=128G") != std::string::npos);
		CPPUNIT_ASSERT_EQUAL(0, server.cluster().finishedTasks("resize"));
	}

	void resizeShrinkRejected()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000014");
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		sdk::BackendError error = expectBackendError([&] { backend->resizeDisk(ref, 10); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::InvalidRequest);
	}

	void gracefulStopIgnoredGuest()
	{
		FakeProxmoxOptions options = fastOptions();
		options.guestHonoursShutdown = false;
		FakeProxmoxServer server(options);
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000015");
		sdk::VmRef ref = refOf(spec, backend->createVm(spec));
		backend->startVm(ref);
		backend->stopVm(ref, std::chrono::seconds(1));
		CPPUNIT_ASSERT(!server.cluster().isRunning(100));
		CPPUNIT_ASSERT_EQUAL(1, server.cluster().finishedTasks("qmshutdown"));
	}

	void statusOfMissingVmNotFound()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::BackendError error
			= expectBackendError([&] { backend->getVmStatus(sdk::VmRef{"gone-vm", "pve1", "555", {}}); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::NotFound);
		CPPUNIT_ASSERT(std::string(error.what()).find("gone-vm") != std::string::npos);
	}

	void listVmsIncludesForeignVm()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000016");
		backend->createVm(spec);
		server.cluster().createForeignVm(300, "pve2", "someone-else");
		std::vector<sdk::VmStatus> vms = backend->listVms();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), vms.size());
		auto ours = std::find_if(vms.begin(), vms.end(), [](const sdk::VmStatus& s) { return s.backendId == "100"; });
		auto foreign = std::find_if(vms.begin(), vms.end(), [](const sdk::VmStatus& s) { return s.backendId == "300"; });
		CPPUNIT_ASSERT(ours != vms.end());
		CPPUNIT_ASSERT_EQUAL(spec.vmId, ours->vmId);
		CPPUNIT_ASSERT(foreign != vms.end());
		CPPUNIT_ASSERT(foreign->vmId.empty());
	}

	void unknownTemplateNotFound()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000017");
		spec.templateVmid = 7777;
		sdk::BackendError error = expectBackendError([&] { backend->createVm(spec); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::NotFound);
		CPPUNIT_ASSERT(std::string(error.what()).find("backends.pve.template.7777") != std::string::npos);
	}

	void unknownGpuRejected()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("11111111-aaaa-4bbb-8ccc-000000000018", "pve1", {"h100"});
		sdk::BackendError error = expectBackendError([&] { backend->createVm(spec); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::InvalidRequest);
		CPPUNIT_ASSERT_EQUAL(0, server.cluster().finishedTasks("qmclone"));
	}

	void healthReportsOfflineNode()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		CPPUNIT_ASSERT(backend->checkHealth().healthy);
		server.cluster().setNodeState("pve2", FakeNodeState::Offline);
		sdk::HealthReport report = backend->checkHealth();
		CPPUNIT_ASSERT(!report.healthy);
		CPPUNIT_ASSERT_EQUAL(std::string("offline"), report.nodes["pve2"]);
		CPPUNIT_ASSERT_EQUAL(std::string("online"), report.nodes["pve1"]);
		std::vector<sdk::NodeInfo> nodes = backend->listNodes();
		CPPUNIT_ASSERT(nodes[1].status == sdk::NodeStatus::Offline);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxmoxBackendTest);
