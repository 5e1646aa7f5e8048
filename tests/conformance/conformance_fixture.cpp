#include "conformance_fixture.h"

#include <iostream>
#include <random>
#include <thread>

#include "plugin/plugin_loader.h"

namespace gpucloud::conformance
{

namespace
{

KitOptions globalOptions;

constexpr const char* kTestKey =
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGpucGxvdWQtY29uZm9ybWFuY2Uta2l0LXRlc3Qta2V5 conformance@gpucloud";

} // namespace

void setKitOptions(const KitOptions& options)
{
	globalOptions = options;
}

const KitOptions& kitOptions()
{
	return globalOptions;
}

void ConformanceFixture::setUp()
{
	const KitOptions& options = kitOptions();
	_host = std::make_unique<KitHost>(options.verbose);
	plugin::PluginLoader loader(options.pluginDirectory);
	_backend = loader.load(options.instanceName, options.plugin, options.config, *_host, false);
}

void ConformanceFixture::tearDown()
{
	for (const auto& vm : _created)
	{
		try
		{
			_backend->destroyVm(vm);
		}
		catch (const sdk::BackendError& error)
		{
			std::clog << "cleanup: destroyVm of VM '" << vm.vmId << "' failed: " << error.what() << '\n';
		}
	}
	_created.clear();
	_backend.reset();
	_host.reset();
}

bool ConformanceFixture::declared(sdk::Capability capability) const
{
	return _backend->info().has(capability);
}

void ConformanceFixture::reportNotDeclared(sdk::Capability capability, const std::string& check, bool raisesError) const
{
	std::clog << "\n  " << check << ": capability '" << sdk::capabilityName(capability) << "' not supported"
			  << (raisesError ? "; checking that the operation raises not_supported" : "; skipped") << '\n';
}

const sdk::NodeInfo& ConformanceFixture::workNode()
{
	if (!_nodes)
		_nodes = _backend->listNodes();
	for (const auto& node : *_nodes)
	{
		if (node.status == sdk::NodeStatus::Online && !node.templateVmids.empty())
			return node;
	}
	CPPUNIT_FAIL("listNodes() returned no online node with a template; the kit needs one");
	return _nodes->front();
}

std::int64_t ConformanceFixture::workTemplate()
{
	return workNode().templateVmids.front();
}

std::vector<GpuSlot> ConformanceFixture::freeGpus(std::size_t count)
{
	std::vector<GpuSlot> best;
	for (const auto& node : _backend->listNodes())
	{
		if (node.status != sdk::NodeStatus::Online || node.templateVmids.empty())
			continue;
		std::vector<GpuSlot> slots;
		for (const auto& gpu : node.gpus)
		{
			if (gpu.assignedVmId.empty() && slots.size() < count)
				slots.push_back(GpuSlot{node.name, gpu.address});
		}
		if (slots.size() > best.size())
			best = slots;
	}
	return best;
}

std::string ConformanceFixture::randomVmId()
{
	static std::mutex mutex;
	static std::mt19937_64 generator{std::random_device{}()};
	std::lock_guard<std::mutex> lock(mutex);
	std::uniform_int_distribution<unsigned> digit(0, 15);
	std::string id;
	const char* hex = "0123456789abcdef";
	for (int i = 0; i < 32; ++i)
	{
		if (i == 8 || i == 12 || i == 16 || i == 20)
			id += '-';
		id += hex[digit(generator)];
	}
	id[14] = '4';
	return id;
}

sdk::VmSpec ConformanceFixture::newSpec(const std::string& node)
{
	sdk::VmSpec spec;
	spec.vmId = randomVmId();
	spec.hostname = "conformance-" + spec.vmId.substr(0, 8);
	spec.node = node.empty() ? workNode().name : node;
	spec.templateVmid = workTemplate();
	spec.cpuCores = 2;
	spec.ramMb = 2048;
	spec.diskGb = kitOptions().diskGb;
	if (declared(sdk::Capability::CloudInit))
		spec.credentials.sshPublicKeys.push_back(kTestKey);

	std::lock_guard<std::mutex> lock(_createdMutex);
	_created.push_back(sdk::VmRef{spec.vmId, spec.node, "", {}});
	return spec;
}

sdk::VmRef ConformanceFixture::create(const sdk::VmSpec& spec)
{
	sdk::CreatedVm created = _backend->createVm(spec);
	CPPUNIT_ASSERT_MESSAGE("createVm returned an empty backendId", !created.backendId.empty());
	std::lock_guard<std::mutex> lock(_createdMutex);
	for (auto& vm : _created)
	{
		if (vm.vmId == spec.vmId)
			vm.backendId = created.backendId;
	}
	return sdk::VmRef{spec.vmId, spec.node, created.backendId, {}};
}

sdk::GpuDevice ConformanceFixture::gpuState(const std::string& node, const std::string& address)
{
	for (const auto& info : _backend->listNodes())
	{
		if (info.name != node)
			continue;
		for (const auto& gpu : info.gpus)
		{
			if (gpu.address == address)
				return gpu;
		}
	}
	CPPUNIT_FAIL("GPU '" + address + "' disappeared from node '" + node + "' in listNodes()");
	return {};
}

std::string ConformanceFixture::expectError(sdk::ErrorKind kind, const std::function<void()>& call,
	const std::string& what)
{
	try
	{
		call();
	}
	catch (const sdk::BackendError& error)
	{
		CPPUNIT_ASSERT_EQUAL_MESSAGE(what + ": " + error.what(), std::string(sdk::errorKindName(kind)),
			std::string(sdk::errorKindName(error.kind())));
		return error.what();
	}
	CPPUNIT_FAIL(what + ": expected BackendError(" + sdk::errorKindName(kind) + "), but the call succeeded");
	return "";
}

bool ConformanceFixture::eventually(const std::function<bool()>& condition, int seconds)
{
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
	while (!condition())
	{
		if (std::chrono::steady_clock::now() >= deadline)
			return false;
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
	}
	return true;
}

} // namespace gpucloud::conformance
