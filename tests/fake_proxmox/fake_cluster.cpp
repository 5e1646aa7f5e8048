#include "fake_cluster.h"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>
#include <sstream>
#include <thread>

namespace gpucloud::testing::proxmox
{

namespace
{

std::vector<std::string> splitPath(const std::string& path)
{
	std::vector<std::string> parts;
	std::stringstream stream(path);
	std::string part;
	while (std::getline(stream, part, '/'))
	{
		if (!part.empty())
			parts.push_back(percentDecode(part));
	}
	return parts;
}

std::string hex8(std::uint64_t value)
{
	char buffer[24];
	std::snprintf(buffer, sizeof buffer, "%08llX", static_cast<unsigned long long>(value));
	return buffer;
}

} // namespace

FakeCluster::FakeCluster(FakeProxmoxOptions options, std::string serverFingerprint)
	: _options(std::move(options)), _fingerprint(std::move(serverFingerprint))
{
	std::random_device random;
	_ticketKey = std::to_string(random()) + std::to_string(random());
	for (const FakeNodeOptions& node : _options.nodes)
		_nodeStates[node.name] = node.online ? FakeNodeState::Online : FakeNodeState::Offline;
	auto now = Clock::now();
	for (const FakeTemplateOptions& source : _options.templates)
	{
		FakeVm vm;
		vm.vmid = source.vmid;
		vm.node = source.node;
		vm.createdAt = now - std::chrono::hours(24);
		vm.shownStatus = "stopped";
		vm.config = {{"name", source.name}, {"template", "1"}, {"cores", "4"}, {"sockets", "1"},
			{"memory", "8192"}, {"ostype", "l26"}, {"bios", source.bios}, {"agent", "1"},
			{"scsihw", "virtio-scsi-single"}, {"boot", "order=scsi0"},
			{"scsi0", source.storage + ":base-" + std::to_string(source.vmid) + "-disk-0,size="
					+ std::to_string(source.diskGb) + "G"},
			{"ide2", source.storage + ":vm-" + std::to_string(source.vmid) + "-cloudinit,media=cdrom"},
			{"net0", "virtio=" + newMac() + ",bridge=vmbr0"}};
		if (!source.rawHostpci.empty())
			vm.config["hostpci0"] = source.rawHostpci;
		_vms[vm.vmid] = vm;
	}
}

Poco::Dynamic::Var FakeCluster::handle(const FakeRequest& request)
{
	Clock::time_point waitDeadline{};
	for (;;)
	{
		std::unique_lock<std::mutex> lock(_mutex);
		advance();
		try
		{
			return route(request);
		}
		catch (const FlockBusy& busy)
		{
			// Synchronous config changes wait for the VM's flock like lock_config does, then give up.
			auto now = Clock::now();
			if (waitDeadline == Clock::time_point{})
				waitDeadline = now + _options.lockWait;
			if (now >= waitDeadline)
				throw dieError(lockTimeoutText(busy.vmid));
			lock.unlock();
			std::this_thread::sleep_until(std::min(busy.until, waitDeadline));
		}
	}
}

std::string FakeCluster::lockTimeoutText(std::int64_t vmid)
{
	return "can't lock file '/var/lock/qemu-server/lock-" + std::to_string(vmid) + ".conf' - got timeout";
}

Poco::Dynamic::Var FakeCluster::route(const FakeRequest& request)
{
	std::vector<std::string> p = splitPath(request.path);
	const std::string& m = request.method;
	auto is = [&](std::initializer_list<const char*> pattern) {
		if (p.size() != pattern.size())
			return false;
		std::size_t i = 0;
		for (const char* part : pattern)
		{
			if (std::string(part) != "*" && p[i] != part)
				return false;
			++i;
		}
		return true;
	};

	if (m == "GET" && is({"version"}))
		return getVersion();
	if (m == "GET" && is({"nodes"}))
		return listNodes(request);
	if (m == "GET" && is({"cluster", "resources"}))
		return clusterResources(request);
	if (m == "GET" && is({"cluster", "nextid"}))
		return nextId(request);
	if (m == "GET" && is({"cluster", "mapping", "pci"}))
		return listMappings(request, "");
	if (m == "GET" && is({"cluster", "mapping", "pci", "*"}))
		return listMappings(request, p[3]);

	if (p.size() >= 2 && p[0] == "nodes")
	{
		// pveproxy forwards these calls to the node named in the path.
		requireNode(p[1]);
		const std::string& node = p[1];
		if (m == "GET" && is({"nodes", "*", "status"}))
			return nodeStatus(node);
		if (m == "GET" && is({"nodes", "*", "hardware", "pci"}))
			return listPci(request, node);
		if (m == "GET" && is({"nodes", "*", "tasks"}))
			return listTasks(request, node);
		if (m == "GET" && is({"nodes", "*", "tasks", "*", "status"}))
			return taskStatus(request, node, p[3]);
		if (m == "GET" && is({"nodes", "*", "tasks", "*", "log"}))
			return taskLog(node, p[3]);
		if (m == "GET" && is({"nodes", "*", "qemu"}))
			return listQemu(node);
		if (m == "POST" && is({"nodes", "*", "qemu", "*", "clone"}))
			return cloneVm(request, node, p[3]);
		if (m == "GET" && is({"nodes", "*", "qemu", "*", "config"}))
			return getConfig(request, node, p[3]);
		if ((m == "POST" || m == "PUT") && is({"nodes", "*", "qemu", "*", "config"}))
			return updateConfig(request, node, p[3]);
		if (m == "PUT" && is({"nodes", "*", "qemu", "*", "resize"}))
			return resizeDisk(request, node, p[3]);
		if (m == "DELETE" && is({"nodes", "*", "qemu", "*"}))
			return destroyVm(request, node, p[3]);
		if (m == "GET" && is({"nodes", "*", "qemu", "*", "status", "current"}))
			return currentStatus(request, node, p[3]);
		if (m == "POST" && is({"nodes", "*", "qemu", "*", "status", "*"}))
			return powerAction(request, node, p[3], p[5]);
		if (m == "GET" && is({"nodes", "*", "qemu", "*", "agent", "network-get-interfaces"}))
			return agentInterfaces(request, node, p[3]);
	}
	throw FakeError(501, "Method '" + m + " /api2/json" + request.path + "' not implemented");
}

void FakeCluster::advance()
{
	auto now = Clock::now();
	std::vector<FakeTask*> due;
	for (FakeTask& task : _tasks)
	{
		if (!task.finished && task.endsAt <= now)
			due.push_back(&task);
	}
	std::sort(due.begin(), due.end(), [](FakeTask* a, FakeTask* b) { return a->endsAt < b->endsAt; });
	for (FakeTask* task : due)
		finishTask(*task);
	for (auto& [vmid, vm] : _vms)
	{
		std::string real = vm.running ? "running" : "stopped";
		if (vm.shownStatus != real && now >= vm.statusChangedAt + _options.resourcesLag)
			vm.shownStatus = real;
	}
}

void FakeCluster::finishTask(FakeTask& task)
{
	task.finished = true;
	std::string exitStatus;
	try
	{
		exitStatus = task.complete ? task.complete(task) : "OK";
	}
	catch (const FakeError& error)
	{
		exitStatus = error.message;
	}
	// An exit status is one line: Proxmox replaces newlines of the error with spaces.
	std::replace(exitStatus.begin(), exitStatus.end(), '\n', ' ');
	while (!exitStatus.empty() && exitStatus.back() == ' ')
		exitStatus.pop_back();
	if (exitStatus == "OK" && task.injectedWarnings > 0)
	{
		for (int i = 0; i < task.injectedWarnings; ++i)
			task.log.push_back("WARN: scripted warning " + std::to_string(i + 1));
		exitStatus = "WARNINGS: " + std::to_string(task.injectedWarnings);
	}
	if (exitStatus != "OK" && !exitStatus.empty() && exitStatus.rfind("WARNINGS:", 0) != 0)
		task.log.push_back("TASK ERROR: " + exitStatus);
	else
		task.log.push_back("TASK " + exitStatus);
	task.exitStatus = exitStatus;
}

FakeTask& FakeCluster::startTask(const std::string& node, const std::string& type, const std::string& id,
	const Principal& principal, std::chrono::milliseconds duration, std::function<std::string(FakeTask&)> complete,
	FakeVm* lockedVm)
{
	auto now = Clock::now();
	FakeTask task;
	task.node = node;
	task.type = type;
	task.id = id;
	task.authId = principal.authId;
	task.pid = _nextPid++;
	task.pstart = 0x0B1C2D3E + task.pid % 1000;
	task.startTime = static_cast<std::int64_t>(std::time(nullptr));
	task.upid = "UPID:" + node + ":" + hex8(task.pid) + ":" + hex8(task.pstart) + ":" + hex8(task.startTime) + ":"
		+ type + ":" + id + ":" + principal.authId + ":";
	task.endsAt = now + duration;
	task.complete = std::move(complete);

	auto failures = _taskFailures.find(type);
	if (failures != _taskFailures.end() && !failures->second.empty())
	{
		task.injectedFailure = failures->second.front();
		failures->second.erase(failures->second.begin());
	}
	auto warnings = _taskWarnings.find(type);
	if (warnings != _taskWarnings.end() && !warnings->second.empty())
	{
		task.injectedWarnings = warnings->second.front();
		warnings->second.erase(warnings->second.begin());
	}

	if (lockedVm)
	{
		// The worker waits up to lockWait for the VM's flock and holds it while it runs.
		if (lockedVm->flockUntil > now + _options.lockWait)
		{
			std::int64_t vmid = lockedVm->vmid;
			task.endsAt = now + _options.lockWait;
			task.complete = [vmid](FakeTask&) -> std::string { return lockTimeoutText(vmid); };
		}
		else
		{
			task.endsAt = std::max(lockedVm->flockUntil, now) + duration;
			lockedVm->flockUntil = task.endsAt;
		}
	}
	task.log.push_back("starting task " + task.upid);
	_tasks.push_back(task);
	return _tasks.back();
}

void FakeCluster::requireNode(const std::string& node)
{
	auto state = _nodeStates.find(node);
	if (state == _nodeStates.end())
	{
		throw dieError("hostname lookup '" + node + "' failed - failed to get address info for: " + node
			+ ": Name or service not known");
	}
	if (state->second == FakeNodeState::Offline)
		throw FakeError(595, "No route to host", {}, true);
	if (state->second == FakeNodeState::Slow)
		throw FakeError(596, "Connection timed out", {}, true);
}

FakeVm* FakeCluster::findVm(std::int64_t vmid)
{
	auto it = _vms.find(vmid);
	return it == _vms.end() ? nullptr : &it->second;
}

FakeVm& FakeCluster::requireVm(const std::string& node, const std::string& vmidText)
{
	std::int64_t vmid = 0;
	try
	{
		std::size_t used = 0;
		vmid = std::stoll(vmidText, &used);
		if (used != vmidText.size())
			throw std::invalid_argument(vmidText);
	}
	catch (const std::exception&)
	{
		throw paramError("vmid", "type check ('integer') failed - got '" + vmidText + "'");
	}
	FakeVm* vm = findVm(vmid);
	if (!vm || vm->node != node)
	{
		throw dieError("Configuration file 'nodes/" + node + "/qemu-server/" + std::to_string(vmid)
			+ ".conf' does not exist");
	}
	return *vm;
}

void FakeCluster::requirePrivilege(const Principal& principal, const std::string& path, const std::string& privilege)
{
	if (!principal.privileges.empty() && !principal.privileges.count(privilege))
		throw permissionError(path, privilege);
}

void FakeCluster::requireFlock(const FakeVm& vm)
{
	if (vm.flockUntil > Clock::now())
		throw FlockBusy{vm.vmid, vm.flockUntil};
}

void FakeCluster::setRunning(FakeVm& vm, bool running)
{
	vm.running = running;
	vm.statusChangedAt = Clock::now();
	if (running)
	{
		vm.startedAt = vm.statusChangedAt;
		vm.pid = 2200000 + static_cast<std::uint32_t>(vm.vmid);
	}
	else
	{
		vm.assignedDevices.clear();
		vm.pid = 0;
	}
}

std::string FakeCluster::shownStatus(FakeVm& vm)
{
	return vm.shownStatus.empty() ? "unknown" : vm.shownStatus;
}

std::int64_t FakeCluster::lowestFreeVmid()
{
	for (std::int64_t id = _options.nextIdLower; id < _options.nextIdUpper; ++id)
	{
		if (!_vms.count(id))
			return id;
	}
	throw dieError("unable to get any free VMID in range [" + std::to_string(_options.nextIdLower) + ", "
		+ std::to_string(_options.nextIdUpper) + "]");
}

std::string FakeCluster::newMac()
{
	char buffer[24];
	std::uint32_t n = _macCounter++;
	std::snprintf(buffer, sizeof buffer, "BC:24:11:%02X:%02X:%02X", (n >> 16) & 0xFF, (n >> 8) & 0xFF, n & 0xFF);
	return buffer;
}

} // namespace gpucloud::testing::proxmox
