#include "vm_provisioner.h"

#include <algorithm>
#include <thread>

#include "api_error.h"
#include "backoff.h"
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

std::string describeVm(const std::string& node, std::int64_t vmid)
{
	return "VM " + std::to_string(vmid) + " on node '" + node + "'";
}

/// Holds one of the clone slots for its lifetime.
class CloneSlot
{
public:
	CloneSlot(std::mutex& mutex, std::condition_variable& freed, int& running, int limit)
		: _mutex(mutex), _freed(freed), _running(running)
	{
		std::unique_lock<std::mutex> lock(_mutex);
		_freed.wait(lock, [&] { return _running < limit; });
		++_running;
	}

	~CloneSlot()
	{
		{
			std::lock_guard<std::mutex> lock(_mutex);
			--_running;
		}
		_freed.notify_one();
	}

private:
	std::mutex& _mutex;
	std::condition_variable& _freed;
	int& _running;
};

} // namespace

VmProvisioner::VmProvisioner(const ProxmoxContext& context, VmLocator& locator, VmidAllocator& allocator,
	GpuInventory& gpus)
	: _context(context), _locator(locator), _allocator(allocator), _gpus(gpus)
{
}

std::shared_ptr<std::mutex> VmProvisioner::createLock(const std::string& vmId)
{
	std::lock_guard<std::mutex> lock(_locksMutex);
	for (auto it = _createLocks.begin(); it != _createLocks.end();)
		it = it->second.expired() ? _createLocks.erase(it) : std::next(it);
	std::shared_ptr<std::mutex> mutex = _createLocks[vmId].lock();
	if (!mutex)
	{
		mutex = std::make_shared<std::mutex>();
		_createLocks[vmId] = mutex;
	}
	return mutex;
}

sdk::CreatedVm VmProvisioner::create(const sdk::VmSpec& spec)
{
	validate(spec);
	TemplateLocation source = resolveTemplate(spec);

	std::shared_ptr<std::mutex> vmLock = createLock(spec.vmId);
	std::lock_guard<std::mutex> serialized(*vmLock);

	// A stopped VM holds no GPU, so GPUs that a running VM holds now are checked at start, not here.
	std::optional<LocatedVm> existing = _locator.findByVmId(spec.vmId);
	std::int64_t vmid = 0;
	std::string node = source.node;
	if (existing)
	{
		vmid = existing->vmid;
		node = existing->node;
		_context.log(sdk::LogLevel::Information, "VM '" + spec.vmId + "' already exists as "
				+ describeVm(node, vmid) + "; completing its configuration");
	}
	else
	{
		vmid = cloneTemplate(spec, source);
	}
	finish(spec, node, vmid);
	_context.log(sdk::LogLevel::Information, "Created VM '" + spec.vmId + "' as " + describeVm(node, vmid)
			+ " from template " + std::to_string(source.proxmoxVmid));
	return sdk::CreatedVm{std::to_string(vmid), vmid};
}

void VmProvisioner::validate(const sdk::VmSpec& spec) const
{
	auto invalid = [&](const std::string& problem) {
		throw BackendError(ErrorKind::InvalidRequest, "Cannot create VM '" + spec.vmId + "' on node '" + spec.node
				+ "': " + problem);
	};
	if (spec.vmId.empty())
		invalid("the VM id is empty");
	if (spec.cpuCores < 1)
		invalid("at least one CPU core is required");
	if (spec.ramMb < 16)
		invalid("at least 16 MiB of memory are required, got " + std::to_string(spec.ramMb));
	if (spec.diskGb < 1)
		invalid("the disk size must be at least 1 GiB");
	if (spec.gpuAddresses.size() > 16)
		invalid("Proxmox passes at most 16 PCI devices (hostpci0 to hostpci15)");
	if (spec.credentials.user.empty())
		invalid("the cloud-init user is empty");
	if (!_locator.managesNode(spec.node))
	{
		throw BackendError(ErrorKind::NotFound, "Cannot create VM '" + spec.vmId + "': node '" + spec.node
				+ "' is not managed by backend '" + _context.settings.instanceName + "' (key "
				+ _context.settings.fullKey("nodes") + ")");
	}
	_gpus.requireKnown(spec.node, spec.gpuAddresses, spec.vmId);
}

TemplateLocation VmProvisioner::resolveTemplate(const sdk::VmSpec& spec) const
{
	auto entry = _context.settings.templates.find(spec.templateVmid);
	if (entry != _context.settings.templates.end())
	{
		for (const TemplateLocation& location : entry->second)
		{
			if (location.node == spec.node)
				return location;
		}
	}
	throw BackendError(ErrorKind::NotFound, "Cannot create VM '" + spec.vmId + "': template "
			+ std::to_string(spec.templateVmid) + " has no Proxmox template VM on node '" + spec.node + "' (key "
			+ _context.settings.fullKey("template." + std::to_string(spec.templateVmid)) + ")");
}

std::int64_t VmProvisioner::cloneTemplate(const sdk::VmSpec& spec, const TemplateLocation& source)
{
	CloneSlot slot(_cloneSlotsMutex, _cloneSlotFreed, _clonesRunning, _context.settings.maxParallelClones);
	Backoff backoff(_context.settings.retryBackoff, _context.settings.retryMaxBackoff);
	for (int attempt = 1;; ++attempt)
	{
		VmidReservation reservation(_allocator);
		try
		{
			if (tryClone(spec, source, reservation.vmid()))
				return reservation.vmid();
			// The id was taken by another client; the next attempt takes a fresh one at once.
			if (attempt >= _context.settings.retryAttempts)
			{
				throw BackendError(ErrorKind::Conflict, "Clone of template " + std::to_string(source.proxmoxVmid)
						+ " on node '" + source.node + "' for VM '" + spec.vmId + "': every VM id tried was taken by "
						+ "another client (" + std::to_string(attempt) + " attempts)", std::chrono::seconds(2));
			}
			continue;
		}
		catch (const ApiError& error)
		{
			if (!error.isTransient() || attempt >= _context.settings.retryAttempts)
				throw;
			std::chrono::milliseconds delay = backoff.next();
			_context.log(sdk::LogLevel::Warning, "Clone of template " + std::to_string(source.proxmoxVmid)
					+ " on node '" + source.node + "' for VM '" + spec.vmId + "' failed (attempt "
					+ std::to_string(attempt) + "), retrying with a new VM id in " + std::to_string(delay.count())
					+ " ms: " + error.what());
			std::this_thread::sleep_for(delay);
		}
	}
}

bool VmProvisioner::tryClone(const sdk::VmSpec& spec, const TemplateLocation& source, std::int64_t vmid)
{
	CloneRequest request;
	request.newVmid = vmid;
	request.name = dnsName(spec.hostname, "gpucloud-" + std::to_string(vmid));
	request.storage = _context.settings.storage;
	request.pool = _context.settings.pool;
	request.description = buildDescription(VmMetadata{spec.vmId, spec.gpuAddresses});
	std::string operation = "clone of template " + std::to_string(source.proxmoxVmid) + " to "
		+ describeVm(source.node, vmid);
	try
	{
		Poco::Dynamic::Var upid = _context.api.post(vmPath(source.node, source.proxmoxVmid, "/clone"),
			cloneParams(request));
		// The clone task runs on the template's node, which is also the node in the UPID.
		_context.tasks.wait(upid.toString(), _context.settings.cloneTimeout, operation);
		return true;
	}
	catch (const ApiError& error)
	{
		if (error.outcomeUnknown())
		{
			// The clone may have started although its response was lost: look for the new VM before anything else.
			std::optional<LocatedVm> started = _locator.read(source.node, vmid);
			if (started && started->metadata.vmId == spec.vmId)
			{
				waitUntilUnlocked(_context, source.node, vmid);
				return true;
			}
		}
		if (error.isVmidTaken())
		{
			_context.log(sdk::LogLevel::Information, "VM id " + std::to_string(vmid)
					+ " was taken by another client during " + operation + "; allocating another one");
			return false;
		}
		throw;
	}
}

void VmProvisioner::finish(const sdk::VmSpec& spec, const std::string& node, std::int64_t vmid)
{
	// A finished clone can still carry `lock: clone` for a moment; any config change before it clears fails.
	waitUntilUnlocked(_context, node, vmid);
	std::optional<LocatedVm> vm = _locator.read(node, vmid);
	if (!vm)
	{
		throw BackendError(ErrorKind::Unavailable, "VM '" + spec.vmId + "': " + describeVm(node, vmid)
				+ " disappeared right after its clone finished");
	}
	configure(spec, *vm);
	vm = _locator.read(node, vmid);
	if (!vm)
		throw BackendError(ErrorKind::Unavailable, "VM '" + spec.vmId + "': " + describeVm(node, vmid)
				+ " disappeared during its configuration");
	resize(spec, *vm);
}

void VmProvisioner::configure(const sdk::VmSpec& spec, const LocatedVm& vm)
{
	ConfigRequest request;
	request.cores = spec.cpuCores;
	request.memoryMb = spec.ramMb;
	for (const std::string& address : spec.gpuAddresses)
		request.gpuMappings.push_back(mappingOfAddress(address));
	for (int index = static_cast<int>(spec.gpuAddresses.size()); index < 16; ++index)
	{
		std::string key = "hostpci" + std::to_string(index);
		if (vm.config->has(key))
			request.deleteKeys.push_back(key);
	}
	request.credentials = spec.credentials;
	request.ipConfig = _context.settings.ipConfig;
	request.bridge = _context.settings.bridge;
	request.tags = kManagedTag;
	FormParams params = configParams(request);

	std::string path = vmPath(vm.node, vm.vmid, "/config");
	std::string operation = "configuration of " + describeVm(vm.node, vm.vmid);
	writeWithRetry(
		_context, operation,
		[&] {
			Poco::Dynamic::Var upid = _context.api.post(path, params);
			_context.tasks.waitIfTask(upid, _context.settings.taskTimeout, operation);
		},
		[&] {
			std::optional<LocatedVm> current = _locator.read(vm.node, vm.vmid);
			return current && intField(current->config, "cores") == spec.cpuCores
				&& hasManagedTag(stringField(current->config, "tags"));
		});
}

void VmProvisioner::resize(const sdk::VmSpec& spec, const LocatedVm& vm)
{
	std::string disk = stringField(vm.config, _context.settings.disk);
	if (disk.empty())
	{
		throw BackendError(ErrorKind::InvalidRequest, "VM '" + spec.vmId + "': " + describeVm(vm.node, vm.vmid)
				+ " has no disk '" + _context.settings.disk + "'; set " + _context.settings.fullKey("disk")
				+ " to the template's boot disk");
	}
	std::uint64_t currentGb = parseDiskSizeGb(disk);
	if (spec.diskGb < currentGb)
	{
		// Proxmox cannot shrink disks, so the VM keeps the template's larger disk.
		_context.log(sdk::LogLevel::Information, "VM '" + spec.vmId + "': " + describeVm(vm.node, vm.vmid) + " keeps the "
				+ std::to_string(currentGb) + " GiB disk of its template, more than the " + std::to_string(spec.diskGb)
				+ " GiB requested");
		return;
	}
	if (spec.diskGb == currentGb)
		return;

	std::string operation = "resize of disk " + _context.settings.disk + " of " + describeVm(vm.node, vm.vmid)
		+ " to " + std::to_string(spec.diskGb) + " GiB";
	writeWithRetry(
		_context, operation,
		[&] {
			// Proxmox 8.0 and later return a UPID; older versions return null after resizing synchronously.
			Poco::Dynamic::Var result = _context.api.put(vmPath(vm.node, vm.vmid, "/resize"),
				resizeParams(_context.settings.disk, spec.diskGb));
			_context.tasks.waitIfTask(result, _context.settings.taskTimeout, operation);
		},
		[&] {
			std::optional<LocatedVm> current = _locator.read(vm.node, vm.vmid);
			return current && parseDiskSizeGb(stringField(current->config, _context.settings.disk)) >= spec.diskGb;
		});
}

} // namespace gpucloud::plugins::proxmox
