#include "node_inventory.h"

#include <algorithm>

#include "api_error.h"
#include "json_fields.h"
#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

NodeInventory::NodeInventory(const ProxmoxContext& context, VmLocator& locator, GpuInventory& gpus,
	VmObserver& observer)
	: _context(context), _locator(locator), _gpus(gpus), _observer(observer)
{
}

std::vector<NodeInventory::ClusterNode> NodeInventory::clusterNodes()
{
	Poco::JSON::Array::Ptr entries = asArray(_context.api.get("/nodes"));
	std::vector<ClusterNode> nodes;
	for (std::size_t i = 0; i < entries->size(); ++i)
	{
		Poco::JSON::Object::Ptr entry = entries->getObject(i);
		ClusterNode node;
		node.name = stringField(entry, "node");
		node.online = stringField(entry, "status") == "online";
		node.cores = static_cast<std::uint32_t>(intField(entry, "maxcpu"));
		node.memoryBytes = static_cast<std::uint64_t>(intField(entry, "maxmem"));
		if (!node.name.empty())
			nodes.push_back(node);
	}
	return nodes;
}

void NodeInventory::fillNodeDetails(sdk::NodeInfo& node)
{
	try
	{
		Poco::JSON::Object::Ptr status = asObject(_context.api.get("/nodes/" + node.name + "/status"));
		Poco::JSON::Object::Ptr cpu = status->getObject("cpuinfo");
		node.cpuModel = stringField(cpu, "model");
		if (node.cpuCores == 0)
			node.cpuCores = static_cast<std::uint32_t>(intField(cpu, "cpus"));
	}
	catch (const ApiError& error)
	{
		// The node can go down between /nodes and this call (595/596), so it is reported offline.
		if (error.kind() != sdk::ErrorKind::Unavailable)
			throw;
		node.status = sdk::NodeStatus::Offline;
		node.statusReason = error.what();
	}
}

void NodeInventory::fillStorage(std::vector<sdk::NodeInfo>& nodes)
{
	Poco::JSON::Array::Ptr entries = asArray(_context.api.get("/cluster/resources", {{"type", "storage"}}));
	const std::uint64_t gib = 1024ull * 1024 * 1024;
	for (std::size_t i = 0; i < entries->size(); ++i)
	{
		Poco::JSON::Object::Ptr entry = entries->getObject(i);
		std::string storage = stringField(entry, "storage");
		bool selected = _context.settings.storage.empty() ? contains(stringField(entry, "content"), "images")
														: storage == _context.settings.storage;
		if (!selected)
			continue;
		for (sdk::NodeInfo& node : nodes)
		{
			if (node.name != stringField(entry, "node"))
				continue;
			auto total = static_cast<std::uint64_t>(intField(entry, "maxdisk"));
			auto used = static_cast<std::uint64_t>(intField(entry, "disk"));
			node.storageTotalGb += total / gib;
			node.storageFreeGb += (total > used ? total - used : 0) / gib;
		}
	}
}

void NodeInventory::fillTemplates(std::vector<sdk::NodeInfo>& nodes, const std::vector<VmResource>& vms)
{
	for (sdk::NodeInfo& node : nodes)
	{
		for (const auto& [templateVmid, locations] : _context.settings.templates)
		{
			for (const TemplateLocation& location : locations)
			{
				bool present = std::any_of(vms.begin(), vms.end(), [&](const VmResource& vm) {
					return vm.isTemplate && vm.vmid == location.proxmoxVmid && vm.node == location.node;
				});
				if (location.node == node.name && present)
					node.templateVmids.push_back(templateVmid);
			}
		}
	}
}

std::vector<sdk::NodeInfo> NodeInventory::listNodes()
{
	std::vector<ClusterNode> cluster = clusterNodes();
	std::vector<std::string> selected = _context.settings.nodes;
	if (selected.empty())
	{
		for (const ClusterNode& node : cluster)
			selected.push_back(node.name);
	}

	std::vector<sdk::NodeInfo> nodes;
	for (const std::string& name : selected)
	{
		sdk::NodeInfo node;
		node.name = name;
		node.location = _context.settings.location;
		auto match = std::find_if(cluster.begin(), cluster.end(), [&](const ClusterNode& c) { return c.name == name; });
		if (match == cluster.end())
		{
			node.status = sdk::NodeStatus::Offline;
			node.statusReason = "node '" + name + "' is not a member of the Proxmox cluster at "
				+ _context.settings.apiUrl;
		}
		else
		{
			node.status = match->online ? sdk::NodeStatus::Online : sdk::NodeStatus::Offline;
			node.statusReason = match->online ? "" : "Proxmox reports node '" + name + "' as not online";
			node.cpuCores = match->cores;
			node.ramMb = match->memoryBytes / (1024 * 1024);
			if (match->online)
				fillNodeDetails(node);
		}
		nodes.push_back(node);
	}

	fillStorage(nodes);
	fillTemplates(nodes, _locator.listResources());
	std::vector<MappedDevice> devices = _gpus.mappedDevices();
	std::vector<LocatedVm> running = _observer.runningVms();
	for (sdk::NodeInfo& node : nodes)
	{
		std::vector<LocatedVm> onNode;
		for (const LocatedVm& vm : running)
		{
			if (vm.node == node.name)
				onNode.push_back(vm);
		}
		node.gpus = _gpus.nodeGpus(node.name, devices, onNode);
	}
	return nodes;
}

sdk::HealthReport NodeInventory::checkHealth()
{
	sdk::HealthReport report;
	try
	{
		Poco::JSON::Object::Ptr version = asObject(_context.api.get("/version"));
		std::vector<ClusterNode> cluster = clusterNodes();
		report.detail = "Proxmox VE " + stringField(version, "version") + " at " + _context.settings.apiUrl;
		std::vector<std::string> selected = _context.settings.nodes;
		if (selected.empty())
		{
			for (const ClusterNode& node : cluster)
				selected.push_back(node.name);
		}
		for (const std::string& name : selected)
		{
			auto match
				= std::find_if(cluster.begin(), cluster.end(), [&](const ClusterNode& c) { return c.name == name; });
			if (match == cluster.end())
				report.nodes[name] = "not a member of the cluster";
			else
				report.nodes[name] = match->online ? "online" : "offline";
			if (report.nodes[name] != "online")
				report.healthy = false;
		}
	}
	catch (const std::exception& error)
	{
		report.healthy = false;
		report.detail = error.what();
	}
	return report;
}

} // namespace gpucloud::plugins::proxmox
