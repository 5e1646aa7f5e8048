#include "catalogue/inventory.h"

namespace gpucloud::catalogue
{

const NodeEntry* InventorySnapshot::find(const std::string& node) const
{
	for (const NodeEntry& entry : nodes)
	{
		if (entry.info.name == node)
			return &entry;
	}
	return nullptr;
}

GpuShare perGpuShare(const sdk::NodeInfo& node)
{
	GpuShare share;
	if (node.gpus.empty())
		return share;
	auto gpuCount = static_cast<std::uint32_t>(node.gpus.size());
	share.cpuCoresPerGpu = node.cpuCores / gpuCount;
	share.ramGbPerGpu = static_cast<std::uint32_t>(node.ramMb / 1024 / gpuCount);
	return share;
}

} // namespace gpucloud::catalogue
