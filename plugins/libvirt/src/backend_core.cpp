#include "backend_core.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

std::uint32_t flag(sdk::Capability capability)
{
	return static_cast<std::uint32_t>(capability);
}

/// Returns the libvirt driver of a URI: "qemu" for qemu+ssh://host/system, "test" for test:///default.
std::string driverOf(const std::string& uri)
{
	return uri.substr(0, uri.find_first_of("+:"));
}

/// Returns the capabilities that nodes of `driver` support. libvirt 9.0's test driver cannot resize volumes
/// (virStorageVolResize: "not supported by the connection driver") and reports no balloon, CPU-time or interface
/// statistics, so those capabilities need QEMU.
std::uint32_t capabilitiesOf(const std::string& driver)
{
	std::uint32_t common = flag(sdk::Capability::GpuPassthrough) | flag(sdk::Capability::GuestIpReporting)
		| flag(sdk::Capability::GracefulShutdown) | flag(sdk::Capability::Reboot);
	if (driver == "qemu")
		return common | flag(sdk::Capability::DiskResize) | flag(sdk::Capability::Metrics);
	return common;
}

} // namespace

BackendCore::BackendCore(BackendSettings backendSettings, sdk::HostServices& hostServices)
	: settings(std::move(backendSettings))
	, host(hostServices)
	, catalog(settings)
	, volumes(settings)
	, gpus(settings)
{
	_capabilities = ~0u;
	for (const auto& nodeSettings : settings.nodes)
	{
		std::string driver = driverOf(nodeSettings.uri);
		if (driver != "qemu" && driver != "test")
		{
			throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "Configuration key 'backends."
					+ settings.instanceName + ".node." + nodeSettings.name + ".uri' names the libvirt driver '" + driver
					+ "'; this plugin supports qemu and test URIs");
		}
		_capabilities &= capabilitiesOf(driver);
		_nodes.push_back(std::make_unique<Node>(nodeSettings, settings, host));
	}
	if (!settings.cloudInitUrl.empty())
		_capabilities |= flag(sdk::Capability::CloudInit);
}

Node& BackendCore::node(const std::string& name)
{
	for (auto& node : _nodes)
	{
		if (node->name() == name)
			return *node;
	}
	throw sdk::BackendError(sdk::ErrorKind::NotFound, "Node '" + name + "' is not managed by libvirt backend '"
			+ settings.instanceName + "'");
}

void BackendCore::require(sdk::Capability capability, const std::string& operation) const
{
	if (!has(capability))
	{
		throw sdk::BackendError(sdk::ErrorKind::NotSupported, "libvirt backend '" + settings.instanceName
				+ "' does not support " + operation + ": capability '" + sdk::capabilityName(capability)
				+ "' is not declared");
	}
}

KeyedMutex::Guard BackendCore::lockVm(const sdk::VmRef& vm)
{
	std::string domain = vm.backendId.empty() ? catalog.domainName(vm.vmId) : vm.backendId;
	return _vmLocks.lock(vm.node + "/" + domain);
}

std::string BackendCore::describeVm(const sdk::VmRef& vm)
{
	if (!vm.vmId.empty())
		return "VM '" + vm.vmId + "'";
	return "domain '" + vm.backendId + "'";
}

} // namespace gpucloud::plugins::libvirt
