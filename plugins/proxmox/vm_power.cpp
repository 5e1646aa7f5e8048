#include "vm_power.h"

#include "api_error.h"
#include "json_fields.h"
#include "request_builder.h"
#include "text_util.h"
#include "vm_state.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

using sdk::BackendError;
using sdk::ErrorKind;

std::string label(const sdk::VmRef& ref, const LocatedVm& vm)
{
	return "VM '" + ref.vmId + "' (Proxmox VM " + std::to_string(vm.vmid) + " on node '" + vm.node + "')";
}

} // namespace

VmPower::VmPower(const ProxmoxContext& context, VmLocator& locator, GuestAgent& agent, GpuInventory& gpus,
	VmObserver& observer)
	: _context(context), _locator(locator), _agent(agent), _gpus(gpus), _observer(observer)
{
}

std::mutex& VmPower::nodeStartMutex(const std::string& node)
{
	std::lock_guard<std::mutex> lock(_startMutexesMutex);
	std::unique_ptr<std::mutex>& mutex = _startMutexes[node];
	if (!mutex)
		mutex = std::make_unique<std::mutex>();
	return *mutex;
}

void VmPower::attachGpus(const LocatedVm& vm, const std::vector<std::string>& addresses, const std::string& name)
{
	std::vector<std::string> mappings;
	for (const std::string& address : addresses)
		mappings.push_back(mappingOfAddress(address));
	std::vector<std::string> stale;
	for (int index = static_cast<int>(addresses.size()); index < 16; ++index)
	{
		std::string key = "hostpci" + std::to_string(index);
		if (vm.config->has(key))
			stale.push_back(key);
	}
	VmMetadata metadata = vm.metadata;
	metadata.gpuAddresses = addresses;
	FormParams params = gpuParams(mappings, stale, buildDescription(metadata));
	std::string operation = "GPU change of " + name;
	writeWithRetry(
		_context, operation,
		[&] {
			Poco::Dynamic::Var upid = _context.api.post(vmPath(vm.node, vm.vmid, "/config"), params);
			_context.tasks.waitIfTask(upid, _context.settings.taskTimeout, operation);
		},
		[&] {
			std::optional<LocatedVm> current = _locator.read(vm.node, vm.vmid);
			return current && current->metadata.gpuAddresses == addresses;
		});
}

void VmPower::powerOn(const LocatedVm& vm, const std::string& name)
{
	writeWithRetry(
		_context, "start of " + name,
		[&] {
			try
			{
				Poco::Dynamic::Var upid = _context.api.post(vmPath(vm.node, vm.vmid, "/status/start"));
				_context.tasks.wait(upid.toString(), _context.settings.taskTimeout, "start of " + name);
			}
			catch (const ApiError& error)
			{
				if (!contains(error.text(), "already running"))
					throw;
			}
		},
		[&] { return powerState(vm) == "running"; });
}

LocatedVm VmPower::locate(const sdk::VmRef& ref, const char* operation)
{
	std::optional<LocatedVm> vm = _locator.find(ref);
	if (!vm)
	{
		throw BackendError(ErrorKind::NotFound, "Cannot " + std::string(operation) + " VM '" + ref.vmId
				+ "': no Proxmox VM " + (ref.backendId.empty() ? "" : ref.backendId + " ") + "of this VM on node '"
				+ ref.node + "' or elsewhere in the cluster");
	}
	return *vm;
}

std::string VmPower::powerState(const LocatedVm& vm)
{
	return stringField(readCurrentStatus(_context, vm.node, vm.vmid), "status");
}

void VmPower::start(const sdk::VmRef& ref)
{
	LocatedVm vm = locate(ref, "start");
	std::string name = label(ref, vm);
	if (powerState(vm) != "running")
	{
		waitUntilUnlocked(_context, vm.node, vm.vmid);
		std::lock_guard<std::mutex> serialized(nodeStartMutex(vm.node));
		std::vector<std::string> gpus = ref.gpuAddresses.empty() ? GpuInventory::vmGpuAddresses(vm) : ref.gpuAddresses;
		_gpus.requireKnown(vm.node, ref.gpuAddresses, ref.vmId);
		_gpus.requireFree(vm.node, gpus, vm.vmid, gpus.empty() ? std::vector<LocatedVm>{} : _observer.runningVms());
		if (!ref.gpuAddresses.empty() && ref.gpuAddresses != vm.metadata.gpuAddresses)
			attachGpus(vm, ref.gpuAddresses, name);
		powerOn(vm, name);
		_context.log(sdk::LogLevel::Information, "Started " + name);
	}
	if (!_context.settings.waitForGuestIp)
		return;
	std::string mac = parseNetMac(stringField(vm.config, "net0"));
	std::vector<std::string> addresses = _agent.waitForRoutableAddress(vm.node, vm.vmid, mac);
	if (addresses.empty() || !isRoutableAddress(addresses.front()))
	{
		_context.log(sdk::LogLevel::Warning, name + " runs, but its guest agent reported no routable address within "
				+ std::to_string(_context.settings.guestIpTimeout.count()) + " ms");
	}
}

void VmPower::forceStop(const LocatedVm& vm, const std::string& name)
{
	writeWithRetry(
		_context, "stop of " + name,
		[&] {
			Poco::Dynamic::Var upid = _context.api.post(vmPath(vm.node, vm.vmid, "/status/stop"), stopParams());
			_context.tasks.wait(upid.toString(), _context.settings.taskTimeout, "stop of " + name);
		},
		[&] { return powerState(vm) == "stopped"; });
}

void VmPower::stop(const sdk::VmRef& ref, std::chrono::seconds gracePeriod)
{
	LocatedVm vm = locate(ref, "stop");
	std::string name = label(ref, vm);
	if (powerState(vm) == "stopped")
		return;
	if (gracePeriod.count() > 0)
	{
		// shutdown with forceStop=1 powers the VM off when the guest has not shut down within the grace period.
		std::string operation = "shutdown of " + name;
		auto taskTimeout = _context.settings.taskTimeout + std::chrono::duration_cast<std::chrono::milliseconds>(gracePeriod);
		writeWithRetry(
			_context, operation,
			[&] {
				Poco::Dynamic::Var upid = _context.api.post(vmPath(vm.node, vm.vmid, "/status/shutdown"),
					shutdownParams(gracePeriod.count()));
				_context.tasks.wait(upid.toString(), taskTimeout, operation);
			},
			[&] { return powerState(vm) == "stopped"; });
	}
	if (powerState(vm) != "stopped")
		forceStop(vm, name);
	_context.log(sdk::LogLevel::Information, "Stopped " + name);
}

void VmPower::reboot(const sdk::VmRef& ref)
{
	LocatedVm vm = locate(ref, "reboot");
	std::string name = label(ref, vm);
	if (powerState(vm) != "running")
		throw BackendError(ErrorKind::Conflict, "Cannot reboot " + name + ": it is not running");
	writeWithRetry(
		_context, "reboot of " + name,
		[&] {
			Poco::Dynamic::Var upid = _context.api.post(vmPath(vm.node, vm.vmid, "/status/reboot"));
			_context.tasks.wait(upid.toString(), _context.settings.taskTimeout, "reboot of " + name);
		},
		[] { return false; });
	_context.log(sdk::LogLevel::Information, "Rebooted " + name);
}

void VmPower::resizeDisk(const sdk::VmRef& ref, std::uint64_t diskGb)
{
	LocatedVm vm = locate(ref, "resize the disk of");
	std::string name = label(ref, vm);
	std::uint64_t currentGb = parseDiskSizeGb(stringField(vm.config, _context.settings.disk));
	if (currentGb == 0)
		throw BackendError(ErrorKind::InvalidRequest, "Cannot resize " + name + ": it has no disk '"
				+ _context.settings.disk + "' (key " + _context.settings.fullKey("disk") + ")");
	if (diskGb < currentGb)
		throw BackendError(ErrorKind::InvalidRequest, "Cannot resize " + name + " to " + std::to_string(diskGb)
				+ " GiB: its disk has " + std::to_string(currentGb) + " GiB, and disks cannot shrink");
	if (diskGb == currentGb)
		return;
	std::string operation = "resize of " + name + " to " + std::to_string(diskGb) + " GiB";
	writeWithRetry(
		_context, operation,
		[&] {
			Poco::Dynamic::Var result = _context.api.put(vmPath(vm.node, vm.vmid, "/resize"),
				resizeParams(_context.settings.disk, diskGb));
			_context.tasks.waitIfTask(result, _context.settings.taskTimeout, operation);
		},
		[&] {
			std::optional<LocatedVm> current = _locator.read(vm.node, vm.vmid);
			return current && parseDiskSizeGb(stringField(current->config, _context.settings.disk)) >= diskGb;
		});
	_context.log(sdk::LogLevel::Information, "Resized " + name + " to " + std::to_string(diskGb) + " GiB");
}

void VmPower::destroy(const sdk::VmRef& ref)
{
	std::optional<LocatedVm> found = _locator.find(ref);
	if (!found)
		return;  // already gone
	LocatedVm vm = *found;
	std::string name = label(ref, vm);
	try
	{
		waitUntilUnlocked(_context, vm.node, vm.vmid);
		if (powerState(vm) != "stopped")
			forceStop(vm, name);
		writeWithRetry(
			_context, "destroy of " + name,
			[&] {
				Poco::Dynamic::Var upid = _context.api.del(vmPath(vm.node, vm.vmid), destroyQuery());
				_context.tasks.wait(upid.toString(), _context.settings.taskTimeout, "destroy of " + name);
			},
			[&] { return !_locator.read(vm.node, vm.vmid).has_value(); });
	}
	catch (const ApiError& error)
	{
		if (!error.isNotFound())
			throw;
	}
	_context.log(sdk::LogLevel::Information, "Destroyed " + name);
}

} // namespace gpucloud::plugins::proxmox
