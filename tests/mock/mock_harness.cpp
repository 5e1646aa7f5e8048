#include "mock_harness.h"

#include <cppunit/extensions/HelperMacros.h>

#include "plugin/plugin_loader.h"

namespace gpucloud::testing
{

std::shared_ptr<sdk::HypervisorBackend> loadMock(RecordingHost& host, const sdk::ConfigMap& config,
	const std::string& instance, bool enforceCapabilities)
{
	sdk::ConfigMap withPlugin = config;
	withPlugin.emplace("plugin", "mock");
	plugin::PluginLoader loader(GPUCLOUD_PLUGIN_DIR);
	return loader.load(instance, "mock", withPlugin, host, enforceCapabilities);
}

sdk::VmSpec vmSpec(const std::string& vmId, const std::string& node, const std::vector<std::string>& gpus)
{
	sdk::VmSpec spec;
	spec.vmId = vmId;
	spec.hostname = "host-" + vmId;
	spec.node = node;
	spec.templateVmid = 100;
	spec.cpuCores = 8;
	spec.ramMb = 32768;
	spec.diskGb = 100;
	spec.gpuAddresses = gpus;
	spec.credentials.sshPublicKeys = {"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGtest test@example"};
	return spec;
}

sdk::VmRef refTo(const sdk::VmSpec& spec, const sdk::CreatedVm& created)
{
	return sdk::VmRef{spec.vmId, spec.node, created.backendId, {}};
}

sdk::NodeInfo findNode(sdk::HypervisorBackend& backend, const std::string& node)
{
	for (const sdk::NodeInfo& info : backend.listNodes())
	{
		if (info.name == node)
			return info;
	}
	CPPUNIT_FAIL("node '" + node + "' is not listed");
	return {};
}

std::string gpuHolder(sdk::HypervisorBackend& backend, const std::string& node, const std::string& address)
{
	for (const sdk::GpuDevice& gpu : findNode(backend, node).gpus)
	{
		if (gpu.address == address)
			return gpu.assignedVmId;
	}
	CPPUNIT_FAIL("GPU '" + address + "' is not listed on node '" + node + "'");
	return {};
}

std::string kindOf(const sdk::BackendError& error)
{
	return std::string(sdk::errorKindName(error.kind())) + ": " + error.what();
}

} // namespace gpucloud::testing
