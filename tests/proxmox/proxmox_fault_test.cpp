// The proxmox plugin against scripted faults of the fake Proxmox server: lock timeouts, lost responses (596),
// unreachable nodes (595), failed and slow tasks, warnings, authentication and permission failures.

#include <cppunit/extensions/HelperMacros.h>

#include "proxmox_test_support.h"

using namespace gpucloud;
using namespace gpucloud::testing::proxmox;

namespace
{

int countRequests(FakeProxmoxServer& server, const std::string& method, const std::string& part)
{
	int count = 0;
	for (const RecordedRequest& request : server.requests())
	{
		if (request.method == method && request.target.find(part) != std::string::npos)
			++count;
	}
	return count;
}

bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}

} // namespace

class ProxmoxFaultTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProxmoxFaultTest);
	CPPUNIT_TEST(configLockTimeoutRetried);
	CPPUNIT_TEST(heldFlockFailsTaskThenRetried);
	CPPUNIT_TEST(lockFieldConflict);
	CPPUNIT_TEST(lostConfigResponseReread);
	CPPUNIT_TEST(lostStartResponseReread);
	CPPUNIT_TEST(offlineNodeUnavailable);
	CPPUNIT_TEST(failedCloneRetriedWithNewId);
	CPPUNIT_TEST(permanentCloneFailureFatal);
	CPPUNIT_TEST(cloneDeadlineNotRetried);
	CPPUNIT_TEST(startWarningsSucceed);
	CPPUNIT_TEST(exhaustedGpuPoolCapacity);
	CPPUNIT_TEST(createWithHeldGpuAccepted);
	CPPUNIT_TEST(badTokenSecret);
	CPPUNIT_TEST(badTokenSecretNewServer);
	CPPUNIT_TEST(missingPrivilege);
	CPPUNIT_TEST(rawHostpciTemplateRejected);
	CPPUNIT_TEST(movedVmRelocated);
	CPPUNIT_TEST(unreachableServer);
	CPPUNIT_TEST_SUITE_END();

public:
	void configLockTimeoutRetried()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		server.addFault(FakeHttpFault{"POST", "/qemu/100/config", 500,
			"can't lock file '/var/lock/qemu-server/lock-100.conf' - got timeout", 2});
		backend->createVm(makeSpec("22222222-aaaa-4bbb-8ccc-000000000001"));
		CPPUNIT_ASSERT_EQUAL(3, countRequests(server, "POST", "/qemu/100/config"));
		CPPUNIT_ASSERT_EQUAL(std::string("gpucloud"), server.cluster().vmConfig(100)["tags"]);
		CPPUNIT_ASSERT(host.logged("retrying"));
	}

	void heldFlockFailsTaskThenRetried()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("22222222-aaaa-4bbb-8ccc-000000000002");
		sdk::VmRef ref{spec.vmId, "pve1", backend->createVm(spec).backendId, {}};
		// Another writer holds the flock longer than the resize task waits (400 ms): the first task fails.
		server.cluster().holdLock(100, std::chrono::milliseconds(700));
		backend->resizeDisk(ref, 80);
		CPPUNIT_ASSERT(contains(server.cluster().vmConfig(100)["scsi0"], "size=80G"));
		CPPUNIT_ASSERT(host.logged("got timeout"));
	}

	void lockFieldConflict()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host, {{"lock_timeout", "300ms"}});
		sdk::VmSpec spec = makeSpec("22222222-aaaa-4bbb-8ccc-000000000003");
		sdk::VmRef ref{spec.vmId, "pve1", backend->createVm(spec).backendId, {}};
		server.cluster().setLockField(100, "backup");
		sdk::BackendError error = expectBackendError([&] { backend->startVm(ref); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Conflict);
		CPPUNIT_ASSERT(contains(error.what(), "locked (backup)"));
		CPPUNIT_ASSERT(contains(error.what(), "node 'pve1'"));
		CPPUNIT_ASSERT(!server.cluster().isRunning(100));
	}

	void lostConfigResponseReread()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		FakeHttpFault lost{"POST", "/qemu/100/config", 596, "Connection timed out"};
		lost.applyFirst = true;
		server.addFault(lost);
		backend->createVm(makeSpec("22222222-aaaa-4bbb-8ccc-000000000004"));
		// The configuration took effect, the plugin saw that on re-reading, and did not send it again.
		CPPUNIT_ASSERT_EQUAL(1, countRequests(server, "POST", "/qemu/100/config"));
		CPPUNIT_ASSERT(host.logged("took effect although its response was lost"));
	}

	void lostStartResponseReread()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("22222222-aaaa-4bbb-8ccc-000000000005");
		sdk::VmRef ref{spec.vmId, "pve1", backend->createVm(spec).backendId, {}};
		FakeHttpFault lost{"POST", "/status/start", 596, "Connection timed out"};
		lost.applyFirst = true;
		server.addFault(lost);
		backend->startVm(ref);
		CPPUNIT_ASSERT(server.cluster().isRunning(100));
		CPPUNIT_ASSERT(backend->getVmStatus(ref).power == sdk::PowerState::Running);
	}

	void offlineNodeUnavailable()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("22222222-aaaa-4bbb-8ccc-000000000006", "pve2");
		sdk::VmRef ref{spec.vmId, "pve2", backend->createVm(spec).backendId, {}};
		server.cluster().setNodeState("pve2", FakeNodeState::Offline);
		sdk::BackendError error = expectBackendError([&] { backend->getVmStatus(ref); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Unavailable);
		CPPUNIT_ASSERT(contains(error.what(), "HTTP 595"));
		CPPUNIT_ASSERT(error.retryAfter().count() > 0);
		server.cluster().setNodeState("pve2", FakeNodeState::Slow);
		sdk::BackendError slow = expectBackendError([&] { backend->startVm(ref); });
		CPPUNIT_ASSERT(slow.kind() == sdk::ErrorKind::Unavailable);
		CPPUNIT_ASSERT(contains(slow.what(), "HTTP 596"));
	}

	void failedCloneRetriedWithNewId()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		server.cluster().failNextTask("qmclone",
			"clone failed: can't lock file '/var/lock/pve-manager/pve-storage-local-lvm' - got timeout");
		sdk::CreatedVm created = backend->createVm(makeSpec("22222222-aaaa-4bbb-8ccc-000000000007"));
		CPPUNIT_ASSERT(server.cluster().hasVm(created.vmid));
		CPPUNIT_ASSERT_EQUAL(2, server.cluster().finishedTasks("qmclone"));
		// The failed clone left nothing behind: two templates and the new VM.
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), server.cluster().vmids().size());
	}

	void permanentCloneFailureFatal()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		server.cluster().failNextTask("qmclone", "clone failed: storage 'local-lvm' is not online");
		sdk::VmSpec spec = makeSpec("22222222-aaaa-4bbb-8ccc-000000000008");
		sdk::BackendError error = expectBackendError([&] { backend->createVm(spec); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Fatal);
		CPPUNIT_ASSERT(contains(error.what(), "storage 'local-lvm' is not online"));
		CPPUNIT_ASSERT(contains(error.what(), spec.vmId));
		CPPUNIT_ASSERT(contains(error.what(), "node 'pve1'"));
		CPPUNIT_ASSERT_EQUAL(1, server.cluster().finishedTasks("qmclone"));
	}

	void cloneDeadlineNotRetried()
	{
		FakeProxmoxOptions options = fastOptions();
		options.cloneDuration = std::chrono::milliseconds(1500);
		FakeProxmoxServer server(options);
		RecordingHost host;
		auto backend = makeBackend(server, host, {{"clone_timeout", "300ms"}});
		sdk::BackendError error = expectBackendError([&] { backend->createVm(makeSpec("22222222-aaaa-4bbb-8ccc-000000000009")); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Unavailable);
		CPPUNIT_ASSERT(contains(error.what(), "still running"));
		CPPUNIT_ASSERT_EQUAL(1, countRequests(server, "POST", "/clone"));
	}

	void startWarningsSucceed()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("22222222-aaaa-4bbb-8ccc-000000000010");
		sdk::VmRef ref{spec.vmId, "pve1", backend->createVm(spec).backendId, {}};
		server.cluster().warnNextTask("qmstart", 2);
		backend->startVm(ref);
		CPPUNIT_ASSERT(server.cluster().isRunning(100));
		CPPUNIT_ASSERT(host.logged("WARNINGS: 2"));
		CPPUNIT_ASSERT(host.logged("WARN: scripted warning 2"));
		CPPUNIT_ASSERT_EQUAL(1, countRequests(server, "POST", "/status/start"));
	}

	void exhaustedGpuPoolCapacity()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec first = makeSpec("22222222-aaaa-4bbb-8ccc-000000000011", "pve2", {"a40"});
		sdk::VmSpec second = makeSpec("22222222-aaaa-4bbb-8ccc-000000000012", "pve2", {"a40"});
		sdk::VmRef firstRef{first.vmId, "pve2", backend->createVm(first).backendId, {}};
		sdk::VmRef secondRef{second.vmId, "pve2", backend->createVm(second).backendId, {}};
		backend->startVm(firstRef);
		sdk::BackendError held = expectBackendError([&] { backend->startVm(secondRef); });
		CPPUNIT_ASSERT(held.kind() == sdk::ErrorKind::CapacityExhausted);
		CPPUNIT_ASSERT(contains(held.what(), "GPU 'a40' on node 'pve2'"));
		CPPUNIT_ASSERT(!server.cluster().isRunning(101));

		// When Proxmox itself finds the pool exhausted at start, the task error maps to the same kind.
		backend->stopVm(firstRef, std::chrono::seconds(0));
		server.cluster().failNextTask("qmstart", "could not find a free device for 'hostpci0'");
		sdk::BackendError exhausted = expectBackendError([&] { backend->startVm(secondRef); });
		CPPUNIT_ASSERT(exhausted.kind() == sdk::ErrorKind::CapacityExhausted);
		CPPUNIT_ASSERT(contains(exhausted.what(), "could not find a free device for 'hostpci0'"));
	}

	void createWithHeldGpuAccepted()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec holder = makeSpec("22222222-aaaa-4bbb-8ccc-000000000016", "pve2", {"a40"});
		backend->startVm(sdk::VmRef{holder.vmId, "pve2", backend->createVm(holder).backendId, {}});
		// A stopped VM holds no GPU: the create succeeds, and only its start would fail.
		sdk::VmSpec other = makeSpec("22222222-aaaa-4bbb-8ccc-000000000017", "pve2", {"a40"});
		sdk::VmRef otherRef{other.vmId, "pve2", backend->createVm(other).backendId, {}};
		CPPUNIT_ASSERT(backend->getVmStatus(otherRef).gpuAddresses.empty());
		CPPUNIT_ASSERT_EQUAL(2, server.cluster().finishedTasks("qmclone"));
	}

	void badTokenSecret()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host, {{"token_secret", "00000000-wrong-secret"}});
		sdk::BackendError error = expectBackendError([&] { backend->listNodes(); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Fatal);
		CPPUNIT_ASSERT(contains(error.what(), "HTTP 401: invalid token value!"));
		CPPUNIT_ASSERT(!contains(error.what(), "00000000-wrong-secret"));
	}

	void badTokenSecretNewServer()
	{
		FakeProxmoxOptions options = fastOptions();
		options.version = FakeVersion::of("9.1.5");
		FakeProxmoxServer server(options);
		RecordingHost host;
		auto backend = makeBackend(server, host, {{"token_secret", "00000000-wrong-secret"}});
		sdk::BackendError error = expectBackendError([&] { backend->listNodes(); });
		CPPUNIT_ASSERT(contains(error.what(), "HTTP 401: Authentication failed!"));
	}

	void missingPrivilege()
	{
		FakeProxmoxOptions options = fastOptions();
		options.tokens.front().privileges = {"VM.Audit", "VM.Clone", "Sys.Audit", "Mapping.Use", "VM.Config.CPU",
			"VM.Config.Memory", "Datastore.AllocateSpace"};
		FakeProxmoxServer server(options);
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::BackendError error = expectBackendError([&] { backend->createVm(makeSpec("22222222-aaaa-4bbb-8ccc-000000000013")); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Fatal);
		CPPUNIT_ASSERT(contains(error.what(), "HTTP 403: Permission check failed (/vms/100, VM.Allocate)"));
	}

	void rawHostpciTemplateRejected()
	{
		FakeProxmoxOptions options = fastOptions();
		options.templates.front().rawHostpci = "0000:41:00.0,pcie=1";
		FakeProxmoxServer server(options);
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::BackendError error = expectBackendError([&] { backend->createVm(makeSpec("22222222-aaaa-4bbb-8ccc-000000000014")); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::InvalidRequest);
		CPPUNIT_ASSERT(contains(error.what(), "only root can set 'hostpci0' config for non-mapped devices"));
	}

	void movedVmRelocated()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("22222222-aaaa-4bbb-8ccc-000000000015");
		sdk::CreatedVm created = backend->createVm(spec);
		// The server records the VM on pve2. Proxmox reports "does not exist" there, and the plugin looks the VM up.
		sdk::VmStatus status = backend->getVmStatus(sdk::VmRef{spec.vmId, "pve2", created.backendId, {}});
		CPPUNIT_ASSERT_EQUAL(std::string("pve1"), status.node);
		// A Proxmox VM id that another owner reused is not this VM.
		server.cluster().createForeignVm(450, "pve1", "other");
		sdk::BackendError error
			= expectBackendError([&] { backend->getVmStatus(sdk::VmRef{"33333333-0000", "pve1", "100", {}}); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::NotFound);
	}

	void unreachableServer()
	{
		std::uint16_t closedPort = 0;
		std::string fingerprint;
		{
			FakeProxmoxServer server(fastOptions());
			closedPort = server.port();
			fingerprint = server.tls().serverFingerprint;
		}
		FakeProxmoxServer other(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(other, host,
			{{"api_url", "https://127.0.0.1:" + std::to_string(closedPort)}, {"tls_fingerprint", fingerprint}});
		sdk::BackendError error = expectBackendError([&] { backend->listNodes(); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Unavailable);
		sdk::HealthReport health = backend->checkHealth();
		CPPUNIT_ASSERT(!health.healthy);
		CPPUNIT_ASSERT(contains(health.detail, "cannot connect"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxmoxFaultTest);
