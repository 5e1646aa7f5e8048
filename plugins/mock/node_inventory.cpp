#include "node_inventory.h"

#include <algorithm>
#include <cstdio>

namespace gpucloud::plugins::mock
{

std::uint64_t NodeState::freeStorageGb() const
{
	return settings.storageFreeGb > usedStorageGb ? settings.storageFreeGb - usedStorageGb : 0;
}

sdk::GpuDevice* NodeState::findGpu(const std::string& address)
{
	auto it = std::find_if(gpus.begin(), gpus.end(), [&](const sdk::GpuDevice& gpu) { return gpu.address == address; });
	return it == gpus.end() ? nullptr : &*it;
}

bool NodeState::hasTemplate(std::int64_t vmid) const
{
	const auto& templates = settings.templateVmids;
	return std::find(templates.begin(), templates.end(), vmid) != templates.end();
}

NodeInventory::NodeInventory(const std::vector<NodeSettings>& nodes,
	const std::map<std::string, GpuTypeSettings>& gpuTypes)
{
	for (const NodeSettings& settings : nodes)
	{
		NodeState node;
		node.settings = settings;
		for (const GpuGroupSettings& group : settings.gpus)
		{
			const GpuTypeSettings& type = gpuTypes.at(group.type);
			for (std::uint32_t i = 0; i < group.count; ++i)
				node.gpus.push_back({type.code, type.model, type.vramMb, pciAddress(node.gpus.size()), ""});
		}
		_nodes.push_back(std::move(node));
	}
}

NodeState* NodeInventory::find(const std::string& name)
{
	auto it = std::find_if(_nodes.begin(), _nodes.end(), [&](const NodeState& node) { return node.settings.name == name; });
	return it == _nodes.end() ? nullptr : &*it;
}

const NodeState* NodeInventory::find(const std::string& name) const
{
	return const_cast<NodeInventory*>(this)->find(name);
}

std::string NodeInventory::pciAddress(std::size_t index)
{
	char address[32];
	std::snprintf(address, sizeof(address), "%04zx:%02zx:00.0", index / 16, 0x01 + (index % 16) * 0x10);
	return address;
}

std::string NodeInventory::firstUnavailableGpu(NodeState& node, const std::vector<std::string>& addresses,
	const std::string& vmId)
{
	for (const std::string& address : addresses)
	{
		sdk::GpuDevice* gpu = node.findGpu(address);
		if (!gpu || (!gpu->assignedVmId.empty() && gpu->assignedVmId != vmId))
			return address;
	}
	return "";
}

void NodeInventory::assign(NodeState& node, const std::vector<std::string>& addresses, const std::string& vmId)
{
	for (const std::string& address : addresses)
		node.findGpu(address)->assignedVmId = vmId;
}

void NodeInventory::release(NodeState& node, const std::string& vmId)
{
	for (sdk::GpuDevice& gpu : node.gpus)
	{
		if (gpu.assignedVmId == vmId)
			gpu.assignedVmId.clear();
	}
}

} // namespace gpucloud::plugins::mock
