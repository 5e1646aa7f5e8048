// Concurrent use of one proxmox backend: parallel creates from one template, VM id collisions with other clients,
// storage lock timeouts under parallel clones, and retried creates of the same VM.

#include <set>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include "proxmox_test_support.h"

using namespace gpucloud;
using namespace gpucloud::testing::proxmox;

namespace
{

/// Runs `count` creates at once and returns the results in order; a failed create leaves vmid 0.
std::vector<sdk::CreatedVm> createInParallel(sdk::HypervisorBackend& backend, const std::vector<sdk::VmSpec>& specs,
	std::vector<std::string>& errors)
{
	std::vector<sdk::CreatedVm> results(specs.size());
	std::vector<std::string> failures(specs.size());
	std::vector<std::thread> threads;
	for (std::size_t i = 0; i < specs.size(); ++i)
	{
		threads.emplace_back([&, i] {
			try
			{
				results[i] = backend.createVm(specs[i]);
			}
			catch (const std::exception& error)
			{
				failures[i] = error.what();
			}
		});
	}
	for (std::thread& thread : threads)
		thread.join();
	for (const std::string& failure : failures)
	{
		if (!failure.empty())
			errors.push_back(failure);
	}
	return results;
}

std::string joined(const std::vector<std::string>& lines)
{
	std::string text;
	for (const std::string& line : lines)
		text += line + "\n";
	return text;
}

} // namespace

class ProxmoxConcurrencyTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProxmoxConcurrencyTest);
	CPPUNIT_TEST(parallelCreatesOneTemplate);
	CPPUNIT_TEST(parallelCreatesSameVmId);
	CPPUNIT_TEST(nextIdTakenOnSameNode);
	CPPUNIT_TEST(nextIdTakenOnOtherNode);
	CPPUNIT_TEST(storageLockTimeoutsRetried);
	CPPUNIT_TEST_SUITE_END();

public:
	void parallelCreatesOneTemplate()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		std::vector<sdk::VmSpec> specs;
		for (int i = 0; i < 6; ++i)
			specs.push_back(makeSpec("44444444-aaaa-4bbb-8ccc-00000000000" + std::to_string(i)));
		std::vector<std::string> errors;
		std::vector<sdk::CreatedVm> created = createInParallel(*backend, specs, errors);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(joined(errors), std::size_t(0), errors.size());
		std::set<std::int64_t> ids;
		for (const sdk::CreatedVm& vm : created)
		{
			ids.insert(vm.vmid);
			CPPUNIT_ASSERT_EQUAL(std::string("gpucloud"), server.cluster().vmConfig(vm.vmid)["tags"]);
		}
		CPPUNIT_ASSERT_EQUAL(std::size_t(6), ids.size());
		CPPUNIT_ASSERT_EQUAL(6, server.cluster().finishedTasks("qmclone"));
		// max_parallel_clones defaults to 2.
		CPPUNIT_ASSERT(server.cluster().maxParallelClones() <= 2);
	}

	void parallelCreatesSameVmId()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		sdk::VmSpec spec = makeSpec("44444444-aaaa-4bbb-8ccc-000000000100");
		std::vector<std::string> errors;
		std::vector<sdk::CreatedVm> created = createInParallel(*backend, {spec, spec, spec}, errors);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(joined(errors), std::size_t(0), errors.size());
		CPPUNIT_ASSERT_EQUAL(created[0].backendId, created[1].backendId);
		CPPUNIT_ASSERT_EQUAL(created[0].backendId, created[2].backendId);
		CPPUNIT_ASSERT_EQUAL(1, server.cluster().finishedTasks("qmclone"));
	}

	void nextIdTakenOnSameNode()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		server.cluster().stealNextId("pve1");
		sdk::CreatedVm created = backend->createVm(makeSpec("44444444-aaaa-4bbb-8ccc-000000000200"));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(101), created.vmid);
		CPPUNIT_ASSERT(server.cluster().vmConfig(100)["name"] == "foreign-100");
		CPPUNIT_ASSERT(host.logged("was taken by another client"));
	}

	void nextIdTakenOnOtherNode()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		server.cluster().stealNextId("pve2");
		sdk::CreatedVm created = backend->createVm(makeSpec("44444444-aaaa-4bbb-8ccc-000000000300"));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(101), created.vmid);
		// The clone task failed with pmxcfs' "File exists" and the foreign VM on pve2 was left alone.
		CPPUNIT_ASSERT_EQUAL(2, server.cluster().finishedTasks("qmclone"));
		CPPUNIT_ASSERT_EQUAL(std::string("foreign-100"), server.cluster().vmConfig(100)["name"]);
	}

	void storageLockTimeoutsRetried()
	{
		FakeProxmoxOptions options = fastOptions();
		options.storageConcurrency = 1;
		FakeProxmoxServer server(options);
		RecordingHost host;
		auto backend = makeBackend(server, host, {{"max_parallel_clones", "3"}, {"retry_attempts", "10"}});
		std::vector<sdk::VmSpec> specs;
		for (int i = 0; i < 3; ++i)
			specs.push_back(makeSpec("44444444-aaaa-4bbb-8ccc-00000000040" + std::to_string(i)));
		std::vector<std::string> errors;
		std::vector<sdk::CreatedVm> created = createInParallel(*backend, specs, errors);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(joined(errors), std::size_t(0), errors.size());
		CPPUNIT_ASSERT(server.cluster().finishedTasks("qmclone") > 3);
		CPPUNIT_ASSERT(host.logged("pve-storage-local-lvm"));
		// Two templates and three clones; the failed clones left nothing behind.
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), server.cluster().vmids().size());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxmoxConcurrencyTest);
