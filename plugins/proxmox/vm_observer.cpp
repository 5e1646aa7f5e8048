#include "vm_observer.h"

#include "api_error.h"
#include "gpu_inventory.h"
#include "json_fields.h"
#include "request_builder.h"
#include "vm_state.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

sdk::PowerState powerOf(const Poco::JSON::Object::Ptr& status)
{
	std::string process = stringField(status, "status");
	std::string qmp = stringField(status, "qmpstatus", process);
	if (process == "stopped")
		return sdk::PowerState::Stopped;
	if (process != "running")
		return sdk::PowerState::Unknown;
	if (qmp == "paused" || qmp == "suspended" || qmp == "prelaunch")
		return sdk::PowerState::Paused;
	return sdk::PowerState::Running;
}

} // namespace

VmObserver::VmObserver(const ProxmoxContext& context, VmLocator& locator, GuestAgent& agent)
	: _context(context), _locator(locator), _agent(agent)
{
}

sdk::VmStatus VmObserver::status(const sdk::VmRef& ref)
{
	std::optional<LocatedVm> vm = _locator.find(ref);
	if (!vm)
	{
		throw sdk::BackendError(sdk::ErrorKind::NotFound, "VM '" + ref.vmId + "' (Proxmox VM "
				+ (ref.backendId.empty() ? "unknown" : ref.backendId) + ", node '" + ref.node
				+ "') does not exist on backend '" + _context.settings.instanceName + "'");
	}
	sdk::VmStatus result = describe(*vm);
	if (result.vmId.empty())
		result.vmId = ref.vmId;
	return result;
}

sdk::VmStatus VmObserver::describe(const LocatedVm& vm)
{
	Poco::JSON::Object::Ptr current = readCurrentStatus(_context, vm.node, vm.vmid);
	sdk::VmStatus status;
	status.vmId = vm.metadata.vmId;
	status.node = vm.node;
	status.backendId = std::to_string(vm.vmid);
	status.power = powerOf(current);
	status.diskGb = parseDiskSizeGb(stringField(vm.config, _context.settings.disk));
	if (status.power == sdk::PowerState::Running || status.power == sdk::PowerState::Paused)
	{
		// Proxmox assigns mapped devices at start, so only a running or paused VM holds its GPUs.
		status.gpuAddresses = GpuInventory::vmGpuAddresses(vm);
		double maxMemory = doubleField(current, "maxmem");
		status.cpuPercent = doubleField(current, "cpu") * 100.0;
		status.ramPercent = maxMemory > 0 ? doubleField(current, "mem") * 100.0 / maxMemory : -1;
		status.networkRxBytes = static_cast<std::uint64_t>(intField(current, "netin"));
		status.networkTxBytes = static_cast<std::uint64_t>(intField(current, "netout"));
	}
	if (status.power == sdk::PowerState::Running && intField(current, "agent") == 1)
		status.ipAddresses = _agent.addresses(vm.node, vm.vmid, parseNetMac(stringField(vm.config, "net0")));
	return status;
}

std::vector<sdk::VmStatus> VmObserver::listAll()
{
	std::vector<sdk::VmStatus> result;
	for (const VmResource& resource : _locator.listResources())
	{
		if (resource.isTemplate)
			continue;
		try
		{
			std::optional<LocatedVm> vm = _locator.read(resource.node, resource.vmid);
			if (vm && stringField(vm->config, "template") != "1")
				result.push_back(describe(*vm));
		}
		catch (const ApiError& error)
		{
			// A VM deleted between the listing and the read is simply gone.
			if (!error.isNotFound())
				throw;
		}
	}
	return result;
}

std::vector<LocatedVm> VmObserver::runningVms()
{
	std::vector<LocatedVm> running;
	for (const VmResource& resource : _locator.listResources())
	{
		if (resource.isTemplate)
			continue;
		// The listing's status lags the real one by up to 10 s, so VMs with GPUs are asked directly.
		std::optional<LocatedVm> vm = _locator.read(resource.node, resource.vmid);
		if (!vm || GpuInventory::vmGpuAddresses(*vm).empty())
			continue;
		if (stringField(readCurrentStatus(_context, vm->node, vm->vmid), "status") == "running")
			running.push_back(*vm);
	}
	return running;
}

} // namespace gpucloud::plugins::proxmox
