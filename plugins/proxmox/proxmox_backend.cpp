#include "proxmox_backend.h"

#include "api_error.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

constexpr std::uint32_t kCapabilities = static_cast<std::uint32_t>(sdk::Capability::GpuPassthrough)
	| static_cast<std::uint32_t>(sdk::Capability::DiskResize)
	| static_cast<std::uint32_t>(sdk::Capability::OnlineDiskResize)
	| static_cast<std::uint32_t>(sdk::Capability::GuestIpReporting)
	| static_cast<std::uint32_t>(sdk::Capability::Metrics)
	| static_cast<std::uint32_t>(sdk::Capability::GracefulShutdown)
	| static_cast<std::uint32_t>(sdk::Capability::CloudInit) | static_cast<std::uint32_t>(sdk::Capability::Reboot);

} // namespace

ProxmoxBackend::ProxmoxBackend(const sdk::BackendContext& context)
	: _settings(parseSettings(context.instanceName, context.config))
	, _api(_settings, context.host)
	, _tasks(_api, _settings, context.host)
	, _context{_settings, _api, _tasks, context.host}
	, _locator(_context)
	, _allocator(_context)
	, _agent(_context)
	, _gpus(_context, _locator)
	, _observer(_context, _locator, _agent)
	, _nodes(_context, _locator, _gpus, _observer)
	, _provisioner(_context, _locator, _allocator, _gpus)
	, _power(_context, _locator, _agent, _gpus, _observer)
{
}

template <class Call>
auto ProxmoxBackend::translate(const std::string& operation, Call&& call) -> decltype(call())
{
	try
	{
		return call();
	}
	catch (const ApiError& error)
	{
		throw sdk::BackendError(error.kind(), "Backend '" + _settings.instanceName + "', " + operation + ": "
				+ error.what(), error.retryAfter());
	}
}

sdk::PluginInfo ProxmoxBackend::info() const
{
	return sdk::PluginInfo{"proxmox", "1.0.0", sdk::kAbiVersion, kCapabilities};
}

std::vector<sdk::NodeInfo> ProxmoxBackend::listNodes()
{
	return translate("listNodes", [&] { return _nodes.listNodes(); });
}

sdk::CreatedVm ProxmoxBackend::createVm(const sdk::VmSpec& spec)
{
	return translate("createVm of VM '" + spec.vmId + "' on node '" + spec.node + "'",
		[&] { return _provisioner.create(spec); });
}

void ProxmoxBackend::startVm(const sdk::VmRef& vm)
{
	translate("startVm of VM '" + vm.vmId + "' on node '" + vm.node + "'", [&] { _power.start(vm); });
}

void ProxmoxBackend::stopVm(const sdk::VmRef& vm, std::chrono::seconds gracePeriod)
{
	translate("stopVm of VM '" + vm.vmId + "' on node '" + vm.node + "'", [&] { _power.stop(vm, gracePeriod); });
}

void ProxmoxBackend::rebootVm(const sdk::VmRef& vm)
{
	translate("rebootVm of VM '" + vm.vmId + "' on node '" + vm.node + "'", [&] { _power.reboot(vm); });
}

void ProxmoxBackend::resizeDisk(const sdk::VmRef& vm, std::uint64_t diskGb)
{
	translate("resizeDisk of VM '" + vm.vmId + "' on node '" + vm.node + "'",
		[&] { _power.resizeDisk(vm, diskGb); });
}

void ProxmoxBackend::destroyVm(const sdk::VmRef& vm)
{
	translate("destroyVm of VM '" + vm.vmId + "' on node '" + vm.node + "'", [&] { _power.destroy(vm); });
}

sdk::VmStatus ProxmoxBackend::getVmStatus(const sdk::VmRef& vm)
{
	return translate("getVmStatus of VM '" + vm.vmId + "' on node '" + vm.node + "'",
		[&] { return _observer.status(vm); });
}

std::vector<sdk::VmStatus> ProxmoxBackend::listVms()
{
	return translate("listVms", [&] { return _observer.listAll(); });
}

sdk::HealthReport ProxmoxBackend::checkHealth()
{
	return _nodes.checkHealth();
}

sdk::HypervisorBackend* createBackend(const sdk::BackendContext& context)
{
	return new ProxmoxBackend(context);
}

} // namespace gpucloud::plugins::proxmox
