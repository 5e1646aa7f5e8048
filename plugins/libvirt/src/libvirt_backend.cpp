#include "libvirt_backend.h"

#include "libvirt_error.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

sdk::HostServices& requireHost(const sdk::BackendContext& context)
{
	if (context.host == nullptr)
	{
		throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "libvirt backend '" + context.instanceName
				+ "' was created without host services");
	}
	// Before any connection exists: libvirt would otherwise print every error to stderr.
	silenceDefaultErrorOutput();
	return *context.host;
}

} // namespace

LibvirtBackend::LibvirtBackend(const sdk::BackendContext& context)
	: _core(BackendSettings::parse(context.instanceName, context.config), requireHost(context))
	, _inventory(_core.settings, _core.catalog, _core.volumes, _core.gpus)
	, _lifecycle(_core)
	, _observer(_core)
{
	for (auto& node : _core.nodes())
		node->connection().checkOnline();
}

sdk::PluginInfo LibvirtBackend::info() const
{
	sdk::PluginInfo info;
	info.name = "libvirt";
	info.version = kPluginVersion;
	info.abiVersion = sdk::kAbiVersion;
	info.capabilities = _core.capabilities();
	return info;
}

std::vector<sdk::NodeInfo> LibvirtBackend::listNodes()
{
	std::vector<sdk::NodeInfo> nodes;
	for (auto& node : _core.nodes())
		nodes.push_back(_inventory.describe(*node));
	return nodes;
}

sdk::CreatedVm LibvirtBackend::createVm(const sdk::VmSpec& spec)
{
	if (!spec.gpuAddresses.empty())
		_core.require(sdk::Capability::GpuPassthrough, "createVm with GPUs");
	return _lifecycle.create(spec);
}

void LibvirtBackend::startVm(const sdk::VmRef& vm)
{
	_lifecycle.start(vm);
}

void LibvirtBackend::stopVm(const sdk::VmRef& vm, std::chrono::seconds gracePeriod)
{
	_lifecycle.stop(vm, gracePeriod);
}

void LibvirtBackend::rebootVm(const sdk::VmRef& vm)
{
	_core.require(sdk::Capability::Reboot, "rebootVm");
	_lifecycle.reboot(vm);
}

void LibvirtBackend::resizeDisk(const sdk::VmRef& vm, std::uint64_t diskGb)
{
	_lifecycle.resize(vm, diskGb);
}

void LibvirtBackend::destroyVm(const sdk::VmRef& vm)
{
	_lifecycle.destroy(vm);
}

sdk::VmStatus LibvirtBackend::getVmStatus(const sdk::VmRef& vm)
{
	return _observer.status(vm);
}

std::vector<sdk::VmStatus> LibvirtBackend::listVms()
{
	return _observer.list();
}

sdk::HealthReport LibvirtBackend::checkHealth()
{
	sdk::HealthReport report;
	std::size_t offline = 0;
	for (auto& node : _core.nodes())
	{
		std::string reason = node->connection().checkOnline();
		report.nodes[node->name()] = reason.empty() ? "online" : reason;
		if (!reason.empty())
			++offline;
	}
	report.healthy = offline == 0;
	report.detail = std::to_string(_core.nodes().size() - offline) + " of " + std::to_string(_core.nodes().size())
		+ " nodes online";
	return report;
}

sdk::HypervisorBackend* createBackend(const sdk::BackendContext& context)
{
	return new LibvirtBackend(context);
}

} // namespace gpucloud::plugins::libvirt
