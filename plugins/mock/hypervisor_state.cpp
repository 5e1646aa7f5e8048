#include "hypervisor_state.h"

#include <set>

#include "backend_error.h"

namespace gpucloud::plugins::mock
{

using sdk::ErrorKind;

std::string describeVm(const VmRecord& vm)
{
	return "VM " + quote(vm.vmId) + " (" + vm.backendId + ") on node " + quote(vm.node);
}

namespace
{

/// Throws BackendError(InvalidRequest) naming `subject` when `addresses` lists a GPU twice or a GPU that the node
/// does not have.
void requireKnownGpus(const std::string& subject, const std::vector<std::string>& addresses, NodeState& node)
{
	std::set<std::string> unique(addresses.begin(), addresses.end());
	if (unique.size() != addresses.size())
		raise(ErrorKind::InvalidRequest, subject + " lists the same GPU twice");
	for (const std::string& address : addresses)
	{
		if (!node.findGpu(address))
			raise(ErrorKind::InvalidRequest, subject + " asks for GPU " + quote(address)
					+ ", which does not exist on the node");
	}
}

/// Throws BackendError(CapacityExhausted) naming the holder when a running VM holds one of `addresses`, all of which
/// exist on the node. `vm` is stopped, so it holds none of them itself.
void requireFreeGpus(const VmRecord& vm, const std::vector<std::string>& addresses, NodeState& node)
{
	for (const std::string& address : addresses)
	{
		const sdk::GpuDevice* gpu = node.findGpu(address);
		if (!gpu->assignedVmId.empty())
			raise(ErrorKind::CapacityExhausted, describeVm(vm) + " cannot start: GPU " + quote(address)
					+ " is held by the running VM " + quote(gpu->assignedVmId));
	}
}

} // namespace

HypervisorState::HypervisorState(const MockSettings& settings) : _inventory(settings.nodes, settings.gpuTypes)
{
}

std::vector<sdk::NodeInfo> HypervisorState::listNodes() const
{
	std::vector<sdk::NodeInfo> nodes;
	for (const NodeState& node : _inventory.nodes())
	{
		const NodeSettings& settings = node.settings;
		sdk::NodeInfo info;
		info.name = settings.name;
		info.status = settings.online ? sdk::NodeStatus::Online : sdk::NodeStatus::Offline;
		info.statusReason = settings.statusReason;
		info.location = settings.location;
		info.cpuModel = settings.cpuModel;
		info.cpuCores = settings.cpuCores;
		info.ramMb = settings.ramMb;
		info.storageTotalGb = settings.storageTotalGb;
		info.storageFreeGb = node.freeStorageGb();
		info.pcieGen = settings.pcieGen;
		info.gpus = node.gpus;
		info.templateVmids = settings.templateVmids;
		nodes.push_back(std::move(info));
	}
	return nodes;
}

const VmRecord& HypervisorState::create(const sdk::VmSpec& spec)
{
	if (spec.vmId.empty())
		raise(ErrorKind::InvalidRequest, "The VM spec has no vmId");
	for (const auto& entry : _vms)
	{
		if (entry.second.vmId == spec.vmId)
			return entry.second;
	}

	NodeState& node = reachableNode(spec.node);
	validateNewVm(spec, node);

	VmRecord vm;
	vm.vmId = spec.vmId;
	vm.vmid = _nextVmid++;
	vm.backendId = "mock-" + std::to_string(vm.vmid);
	vm.node = spec.node;
	vm.hostname = spec.hostname;
	vm.templateVmid = spec.templateVmid;
	vm.cpuCores = spec.cpuCores;
	vm.ramMb = spec.ramMb;
	vm.diskGb = spec.diskGb;
	vm.gpuAddresses = spec.gpuAddresses;
	node.usedStorageGb += vm.diskGb;
	return _vms.emplace(vm.backendId, std::move(vm)).first->second;
}

void HypervisorState::validateNewVm(const sdk::VmSpec& spec, NodeState& node)
{
	std::string subject = "VM " + quote(spec.vmId) + " on node " + quote(spec.node);
	if (!node.hasTemplate(spec.templateVmid))
		raise(ErrorKind::NotFound, "Template " + std::to_string(spec.templateVmid) + " does not exist on node "
				+ quote(spec.node));
	if (spec.cpuCores == 0 || spec.ramMb == 0 || spec.diskGb == 0)
		raise(ErrorKind::InvalidRequest, subject + ": CPU cores, RAM and disk size must all be at least 1");
	if (spec.cpuCores > node.settings.cpuCores || spec.ramMb > node.settings.ramMb)
		raise(ErrorKind::InvalidRequest, subject + " asks for " + std::to_string(spec.cpuCores) + " cores and "
				+ std::to_string(spec.ramMb) + " MB of RAM, more than the node has ("
				+ std::to_string(node.settings.cpuCores) + " cores, " + std::to_string(node.settings.ramMb) + " MB)");
	requireKnownGpus(subject, spec.gpuAddresses, node);
	if (spec.diskGb > node.freeStorageGb())
		raise(ErrorKind::CapacityExhausted, subject + " needs " + std::to_string(spec.diskGb) + " GB of disk, but only "
				+ std::to_string(node.freeStorageGb()) + " GB are free");
}

void HypervisorState::start(const sdk::VmRef& ref, std::int64_t nowMs)
{
	VmRecord& vm = require(ref);
	if (vm.power == sdk::PowerState::Running)
		return;
	NodeState& node = *_inventory.find(vm.node);
	// A copy, because the recorded GPUs are replaced only once every check has passed.
	std::vector<std::string> gpus = ref.gpuAddresses.empty() ? vm.gpuAddresses : ref.gpuAddresses;
	requireKnownGpus(describeVm(vm), gpus, node);
	requireFreeGpus(vm, gpus, node);

	vm.gpuAddresses = std::move(gpus);
	_inventory.assign(node, vm.gpuAddresses, vm.vmId);
	vm.power = sdk::PowerState::Running;
	vm.startedAtMs = nowMs;
}

void HypervisorState::stop(const sdk::VmRef& ref)
{
	VmRecord& vm = require(ref);
	releaseGpus(vm);
	vm.power = sdk::PowerState::Stopped;
	vm.startedAtMs = 0;
}

void HypervisorState::reboot(const sdk::VmRef& ref, std::int64_t nowMs)
{
	VmRecord& vm = require(ref);
	if (vm.power != sdk::PowerState::Running)
		raise(ErrorKind::Conflict, describeVm(vm) + " is not running");
	vm.startedAtMs = nowMs;
}

void HypervisorState::resizeDisk(const sdk::VmRef& ref, std::uint64_t diskGb, bool onlineAllowed)
{
	VmRecord& vm = require(ref);
	if (diskGb < vm.diskGb)
		raise(ErrorKind::InvalidRequest, describeVm(vm) + " has a " + std::to_string(vm.diskGb)
				+ " GB disk, which cannot shrink to " + std::to_string(diskGb) + " GB");
	if (vm.power == sdk::PowerState::Running && !onlineAllowed)
		raise(ErrorKind::NotSupported, describeVm(vm)
				+ " is running, and capability 'online_disk_resize' is not declared: stop the VM first");
	NodeState& node = *_inventory.find(vm.node);
	std::uint64_t growth = diskGb - vm.diskGb;
	if (growth > node.freeStorageGb())
		raise(ErrorKind::CapacityExhausted, describeVm(vm) + " needs " + std::to_string(growth)
				+ " GB more disk, but only " + std::to_string(node.freeStorageGb()) + " GB are free");
	node.usedStorageGb += growth;
	vm.diskGb = diskGb;
}

bool HypervisorState::destroy(const sdk::VmRef& ref)
{
	VmRecord* vm = findRecord(ref);
	if (!vm)
		return false;
	reachableNode(vm->node);
	remove(*vm);
	return true;
}

bool HypervisorState::lose(const sdk::VmRef& ref)
{
	VmRecord* vm = findRecord(ref);
	if (!vm)
		return false;
	remove(*vm);
	return true;
}

const VmRecord& HypervisorState::get(const sdk::VmRef& ref)
{
	return require(ref);
}

std::vector<const VmRecord*> HypervisorState::listOnline() const
{
	std::vector<const VmRecord*> vms;
	for (const auto& entry : _vms)
	{
		const NodeState* node = _inventory.find(entry.second.node);
		if (node && node->settings.online)
			vms.push_back(&entry.second);
	}
	return vms;
}

VmRecord* HypervisorState::findRecord(const sdk::VmRef& ref)
{
	VmRecord* found = nullptr;
	if (!ref.backendId.empty())
	{
		auto it = _vms.find(ref.backendId);
		found = it == _vms.end() ? nullptr : &it->second;
	}
	else if (!ref.vmId.empty())
	{
		for (auto& entry : _vms)
		{
			if (entry.second.vmId == ref.vmId)
				found = &entry.second;
		}
	}
	if (found && !ref.node.empty() && found->node != ref.node)
		return nullptr;
	return found;
}

VmRecord& HypervisorState::require(const sdk::VmRef& ref)
{
	VmRecord* vm = findRecord(ref);
	if (!vm)
	{
		std::string id = ref.backendId.empty() ? "" : " (" + ref.backendId + ")";
		raise(ErrorKind::NotFound, "VM " + quote(ref.vmId) + id + " does not exist on node " + quote(ref.node));
	}
	reachableNode(vm->node);
	return *vm;
}

NodeState& HypervisorState::reachableNode(const std::string& name)
{
	NodeState* node = _inventory.find(name);
	if (!node)
		raise(ErrorKind::NotFound, "Node " + quote(name) + " does not exist");
	if (!node->settings.online)
		raise(ErrorKind::Unavailable, "Node " + quote(name) + " is offline: " + node->settings.statusReason);
	return *node;
}

void HypervisorState::releaseGpus(VmRecord& vm)
{
	NodeState* node = _inventory.find(vm.node);
	if (node)
		_inventory.release(*node, vm.vmId);
}

void HypervisorState::remove(VmRecord& vm)
{
	releaseGpus(vm);
	NodeState* node = _inventory.find(vm.node);
	if (node)
		node->usedStorageGb -= std::min(node->usedStorageGb, vm.diskGb);
	std::string backendId = vm.backendId;  // a copy, because the erase destroys `vm`
	_vms.erase(backendId);
}

void HypervisorState::restore(const std::vector<VmRecord>& vms, std::int64_t nextVmid)
{
	for (const VmRecord& vm : vms)
	{
		NodeState* node = _inventory.find(vm.node);
		if (!node)
			raise(ErrorKind::InvalidRequest, describeVm(vm) + " is on a node that is not configured");
		// A stopped VM holds no GPU, so its recorded GPUs are checked only when it starts.
		if (vm.holdsGpus())
		{
			std::string taken = _inventory.firstUnavailableGpu(*node, vm.gpuAddresses, vm.vmId);
			if (!taken.empty())
				raise(ErrorKind::InvalidRequest, "The running " + describeVm(vm) + " holds GPU " + quote(taken)
						+ ", which is not configured on the node or is held by another running VM");
			_inventory.assign(*node, vm.gpuAddresses, vm.vmId);
		}
		node->usedStorageGb += vm.diskGb;
		_vms[vm.backendId] = vm;
		_nextVmid = std::max(_nextVmid, vm.vmid + 1);
	}
	_nextVmid = std::max(_nextVmid, nextVmid);
}

} // namespace gpucloud::plugins::mock
