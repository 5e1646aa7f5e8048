#include <algorithm>
#include <regex>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "fake_cluster.h"

namespace gpucloud::testing::proxmox
{

namespace
{

const std::regex kUpidPattern("^UPID:([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?):([0-9A-F]{8}):([0-9A-F]{8,9}):"
							  "([0-9A-F]{8}):([^:\\s]+):([^:\\s]*):([^:\\s]+):$");

} // namespace

Poco::Dynamic::Var FakeCluster::getVersion()
{
	Poco::JSON::Object::Ptr version = new Poco::JSON::Object;
	version->set("version", _options.version.version);
	version->set("release", _options.version.version.substr(0, _options.version.version.rfind('.')));
	version->set("repoid", "2a5fa54a8503f96d");
	return version;
}

Poco::Dynamic::Var FakeCluster::listNodes(const FakeRequest& request)
{
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	for (const FakeNodeOptions& node : _options.nodes)
	{
		Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
		FakeNodeState state = _nodeStates[node.name];
		entry->set("node", node.name);
		entry->set("id", "node/" + node.name);
		entry->set("type", "node");
		entry->set("level", "");
		entry->set("status", state == FakeNodeState::Offline ? "offline" : "online");
		entry->set("ssl_fingerprint", _fingerprint);
		bool audited = request.principal.privileges.empty() || request.principal.privileges.count("Sys.Audit");
		if (state != FakeNodeState::Offline && audited)
		{
			entry->set("cpu", 0.0412);
			entry->set("maxcpu", node.cores);
			entry->set("mem", node.memoryBytes / 10);
			entry->set("maxmem", node.memoryBytes);
			entry->set("disk", 21474836480LL);
			entry->set("maxdisk", 100861726720LL);
			entry->set("uptime", 1734221);
		}
		list->add(entry);
	}
	return list;
}

Poco::Dynamic::Var FakeCluster::nodeStatus(const std::string& node)
{
	auto options = std::find_if(_options.nodes.begin(), _options.nodes.end(),
		[&](const FakeNodeOptions& n) { return n.name == node; });
	Poco::JSON::Object::Ptr cpu = new Poco::JSON::Object;
	cpu->set("model", options->cpuModel);
	cpu->set("cpus", options->cores);
	cpu->set("sockets", 1);
	cpu->set("cores", options->cores / 2);
	Poco::JSON::Object::Ptr memory = new Poco::JSON::Object;
	memory->set("total", options->memoryBytes);
	memory->set("used", options->memoryBytes / 10);
	memory->set("free", options->memoryBytes - options->memoryBytes / 10);
	Poco::JSON::Object::Ptr status = new Poco::JSON::Object;
	status->set("cpuinfo", cpu);
	status->set("memory", memory);
	status->set("pveversion", "pve-manager/" + _options.version.version + "/2a5fa54a8503f96d");
	status->set("uptime", 1734221);
	return status;
}

Poco::Dynamic::Var FakeCluster::listPci(const FakeRequest& request, const std::string& node)
{
	requirePrivilege(request.principal, "/", "Sys.Audit");
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	int group = 40;
	for (const FakeGpuOptions& gpu : _options.gpus)
	{
		if (gpu.node != node)
			continue;
		std::string vendor = "0x" + gpu.deviceId.substr(0, gpu.deviceId.find(':'));
		Poco::JSON::Object::Ptr device = new Poco::JSON::Object;
		device->set("id", gpu.path);
		device->set("class", "0x030200");
		device->set("vendor", vendor);
		device->set("device", "0x" + gpu.deviceId.substr(gpu.deviceId.find(':') + 1));
		device->set("vendor_name", "NVIDIA Corporation");
		device->set("device_name", gpu.deviceName);
		device->set("iommugroup", group);
		list->add(device);
		Poco::JSON::Object::Ptr audio = new Poco::JSON::Object;
		audio->set("id", gpu.path.substr(0, gpu.path.size() - 1) + "1");
		audio->set("class", "0x040300");
		audio->set("vendor", vendor);
		audio->set("device", "0x1aef");
		audio->set("iommugroup", group++);
		list->add(audio);
	}
	Poco::JSON::Object::Ptr nic = new Poco::JSON::Object;
	nic->set("id", "0000:01:00.0");
	nic->set("class", "0x020000");
	nic->set("vendor", "0x8086");
	nic->set("device", "0x1572");
	nic->set("vendor_name", "Intel Corporation");
	nic->set("device_name", "Ethernet Controller X710 for 10GbE SFP+");
	nic->set("iommugroup", 12);
	list->add(nic);
	return list;
}

Poco::Dynamic::Var FakeCluster::clusterResources(const FakeRequest& request)
{
	std::string type = schema::single(request.params, "type");
	if (!type.empty() && type != "vm" && type != "node" && type != "storage" && type != "sdn")
		throw paramError("type", "value '" + type + "' does not have a value in the enumeration 'vm, storage, node, sdn'");
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	auto now = Clock::now();
	if (type.empty() || type == "vm")
	{
		for (auto& [vmid, vm] : _vms)
		{
			// VMs the caller may not audit are silently left out.
			if (!request.principal.privileges.empty() && !request.principal.privileges.count("VM.Audit"))
				continue;
			Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
			entry->set("id", "qemu/" + std::to_string(vmid));
			entry->set("type", "qemu");
			entry->set("vmid", vmid);
			entry->set("node", vm.node);
			entry->set("status", shownStatus(vm));
			if (now >= vm.createdAt + _options.resourcesLag)
			{
				entry->set("name", vm.config["name"]);
				entry->set("template", vm.config.count("template") ? 1 : 0);
				entry->set("maxcpu", std::stoll(vm.config.count("cores") ? vm.config["cores"] : "1"));
				entry->set("maxmem", std::stoll(vm.config.count("memory") ? vm.config["memory"] : "512") << 20);
				if (vm.config.count("tags"))
					entry->set("tags", vm.config["tags"]);
				if (vm.config.count("lock"))
					entry->set("lock", vm.config["lock"]);
			}
			list->add(entry);
		}
	}
	if (type.empty() || type == "node")
	{
		for (const FakeNodeOptions& node : _options.nodes)
		{
			Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
			entry->set("id", "node/" + node.name);
			entry->set("type", "node");
			entry->set("node", node.name);
			entry->set("status", _nodeStates[node.name] == FakeNodeState::Offline ? "offline" : "online");
			entry->set("maxcpu", node.cores);
			entry->set("maxmem", node.memoryBytes);
			list->add(entry);
		}
	}
	if (type.empty() || type == "storage")
	{
		for (const FakeNodeOptions& node : _options.nodes)
		{
			for (const auto& [name, size] : _options.storages)
			{
				std::uint64_t used = 0;
				for (auto& [vmid, vm] : _vms)
				{
					if (vm.node == node.name && vm.config["scsi0"].rfind(name + ":", 0) == 0)
					{
						std::smatch match;
						if (std::regex_search(vm.config["scsi0"], match, std::regex("size=([0-9]+)G")))
							used += std::stoull(match.str(1)) << 30;
					}
				}
				Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
				entry->set("id", "storage/" + node.name + "/" + name);
				entry->set("type", "storage");
				entry->set("storage", name);
				entry->set("node", node.name);
				entry->set("plugintype", "lvmthin");
				entry->set("shared", 0);
				entry->set("content", "images,rootdir");
				entry->set("status", "available");
				entry->set("disk", used);
				entry->set("maxdisk", size);
				list->add(entry);
			}
		}
	}
	return list;
}

Poco::Dynamic::Var FakeCluster::nextId(const FakeRequest& request)
{
	std::string requested = schema::single(request.params, "vmid");
	if (!requested.empty())
	{
		std::int64_t id = std::stoll(requested);
		if (_vms.count(id))
			throw paramError("vmid", "VM " + requested + " already exists");
		return requested;
	}
	std::int64_t id = lowestFreeVmid();
	if (!_nextIdThieves.empty())
	{
		// Another client takes the id right after this reply, because nextid reserves nothing.
		std::string node = _nextIdThieves.front();
		_nextIdThieves.erase(_nextIdThieves.begin());
		FakeVm vm;
		vm.vmid = id;
		vm.node = node;
		vm.createdAt = Clock::now();
		vm.shownStatus = "stopped";
		vm.config = {{"name", "foreign-" + std::to_string(id)}, {"cores", "1"}, {"memory", "512"},
			{"scsi0", "local-lvm:vm-" + std::to_string(id) + "-disk-0,size=4G"},
			{"net0", "virtio=" + newMac() + ",bridge=vmbr0"}};
		_vms[id] = vm;
	}
	// Perl hands the number over as a string.
	return std::to_string(id);
}

Poco::Dynamic::Var FakeCluster::listMappings(const FakeRequest& request, const std::string& id)
{
	std::map<std::string, std::vector<const FakeGpuOptions*>> mappings;
	for (const FakeGpuOptions& gpu : _options.gpus)
	{
		if (!gpu.mapping.empty())
			mappings[gpu.mapping].push_back(&gpu);
	}
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	for (const auto& [name, gpus] : mappings)
	{
		const auto& privileges = request.principal.privileges;
		bool visible = privileges.empty() || privileges.count("Mapping.Audit") || privileges.count("Mapping.Use")
			|| privileges.count("Mapping.Modify");
		if (!visible || (!id.empty() && id != name))
			continue;
		Poco::JSON::Object::Ptr mapping = new Poco::JSON::Object;
		mapping->set("id", name);
		mapping->set("description", name + " pool");
		mapping->set("digest", "6b0c1e" + std::to_string(gpus.size()));
		Poco::JSON::Array::Ptr map = new Poco::JSON::Array;
		int group = 40;
		for (const FakeGpuOptions* gpu : gpus)
			map->add("node=" + gpu->node + ",path=" + gpu->path + ",id=" + gpu->deviceId + ",iommugroup="
				+ std::to_string(group++));
		mapping->set("map", map);
		if (!id.empty())
			return mapping;
		list->add(mapping);
	}
	if (!id.empty())
		throw dieError("mapping '" + id + "' not found");
	return list;
}

Poco::Dynamic::Var FakeCluster::taskStatus(const FakeRequest& request, const std::string& node, const std::string& upid)
{
	std::smatch match;
	if (!std::regex_match(upid, match, kUpidPattern))
		throw paramError("upid", "unable to parse worker upid");
	auto task = std::find_if(_tasks.begin(), _tasks.end(),
		[&](const FakeTask& t) { return t.upid == upid && t.node == node; });
	if (task == _tasks.end())
		throw paramError("upid", "no such task");
	if (task->authId != request.principal.authId)
		requirePrivilege(request.principal, "/nodes/" + node, "Sys.Audit");
	Poco::JSON::Object::Ptr status = new Poco::JSON::Object;
	status->set("upid", task->upid);
	status->set("node", task->node);
	status->set("pid", task->pid);
	status->set("pstart", task->pstart);
	status->set("starttime", task->startTime);
	status->set("type", task->type);
	status->set("id", task->id);
	std::size_t bang = task->authId.find('!');
	status->set("user", task->authId.substr(0, bang));
	if (bang != std::string::npos)
		status->set("tokenid", task->authId.substr(bang + 1));
	status->set("status", task->finished ? "stopped" : "running");
	if (task->finished)
		status->set("exitstatus", task->exitStatus);
	return status;
}

Poco::Dynamic::Var FakeCluster::taskLog(const std::string& node, const std::string& upid)
{
	auto task = std::find_if(_tasks.begin(), _tasks.end(),
		[&](const FakeTask& t) { return t.upid == upid && t.node == node; });
	if (task == _tasks.end())
		throw paramError("upid", "no such task");
	Poco::JSON::Array::Ptr lines = new Poco::JSON::Array;
	int number = 1;
	for (const std::string& line : task->log)
	{
		Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
		entry->set("n", number++);
		entry->set("t", line);
		lines->add(entry);
	}
	return lines;
}

Poco::Dynamic::Var FakeCluster::listTasks(const FakeRequest& request, const std::string& node)
{
	std::string vmid = schema::single(request.params, "vmid");
	std::string source = schema::single(request.params, "source");
	std::string typeFilter = schema::single(request.params, "typefilter");
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	for (const FakeTask& task : _tasks)
	{
		if (task.node != node || (!vmid.empty() && task.id != vmid) || (!typeFilter.empty() && task.type != typeFilter))
			continue;
		if ((source == "active" && task.finished) || ((source.empty() || source == "archive") && !task.finished))
			continue;
		Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
		entry->set("upid", task.upid);
		entry->set("node", task.node);
		entry->set("type", task.type);
		entry->set("id", task.id);
		entry->set("user", task.authId);
		entry->set("starttime", task.startTime);
		if (task.finished)
			entry->set("status", task.exitStatus);
		list->add(entry);
	}
	return list;
}

} // namespace gpucloud::testing::proxmox
