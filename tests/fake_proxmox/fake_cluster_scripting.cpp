// Scripted faults and state inspection of the fake cluster, for tests.

#include <algorithm>

#include "fake_cluster.h"

namespace gpucloud::testing::proxmox
{

void FakeCluster::failNextTask(const std::string& type, const std::string& exitStatus)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_taskFailures[type].push_back(exitStatus);
}

void FakeCluster::warnNextTask(const std::string& type, int count)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_taskWarnings[type].push_back(count);
}

void FakeCluster::holdLock(std::int64_t vmid, std::chrono::milliseconds duration)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (FakeVm* vm = findVm(vmid))
		vm->flockUntil = std::max(vm->flockUntil, Clock::now() + duration);
}

void FakeCluster::setLockField(std::int64_t vmid, const std::string& lockName)
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (FakeVm* vm = findVm(vmid))
	{
		if (lockName.empty())
			vm->config.erase("lock");
		else
			vm->config["lock"] = lockName;
	}
}

void FakeCluster::setNodeState(const std::string& node, FakeNodeState state)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_nodeStates[node] = state;
}

void FakeCluster::stealNextId(const std::string& node)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_nextIdThieves.push_back(node);
}

void FakeCluster::createForeignVm(std::int64_t vmid, const std::string& node, const std::string& name)
{
	std::lock_guard<std::mutex> lock(_mutex);
	FakeVm vm;
	vm.vmid = vmid;
	vm.node = node;
	vm.createdAt = Clock::now();
	vm.shownStatus = "stopped";
	vm.config = {{"name", name}, {"cores", "2"}, {"memory", "2048"},
		{"scsi0", "local-lvm:vm-" + std::to_string(vmid) + "-disk-0,size=8G"},
		{"net0", "virtio=" + newMac() + ",bridge=vmbr0"}};
	_vms[vmid] = vm;
}

bool FakeCluster::hasVm(std::int64_t vmid)
{
	std::lock_guard<std::mutex> lock(_mutex);
	advance();
	return _vms.count(vmid) > 0;
}

std::map<std::string, std::string> FakeCluster::vmConfig(std::int64_t vmid)
{
	std::lock_guard<std::mutex> lock(_mutex);
	advance();
	FakeVm* vm = findVm(vmid);
	return vm ? vm->config : std::map<std::string, std::string>{};
}

bool FakeCluster::isRunning(std::int64_t vmid)
{
	std::lock_guard<std::mutex> lock(_mutex);
	advance();
	FakeVm* vm = findVm(vmid);
	return vm && vm->running;
}

std::vector<std::int64_t> FakeCluster::vmids()
{
	std::lock_guard<std::mutex> lock(_mutex);
	advance();
	std::vector<std::int64_t> ids;
	for (const auto& entry : _vms)
		ids.push_back(entry.first);
	return ids;
}

int FakeCluster::finishedTasks(const std::string& type)
{
	std::lock_guard<std::mutex> lock(_mutex);
	advance();
	return static_cast<int>(std::count_if(_tasks.begin(), _tasks.end(),
		[&](const FakeTask& task) { return task.finished && task.type == type; }));
}

int FakeCluster::maxParallelClones()
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _maxClonesRunning;
}

} // namespace gpucloud::testing::proxmox
