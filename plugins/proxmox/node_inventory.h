#pragma once

#include <vector>

#include "gpu_inventory.h"
#include "gpucloud/sdk/types.h"
#include "proxmox_context.h"
#include "vm_locator.h"
#include "vm_observer.h"

namespace gpucloud::plugins::proxmox
{

/// Lists nodes (GET /nodes, /nodes/{node}/status, storage from /cluster/resources) with their GPUs and templates,
/// and checks their health.
class NodeInventory
{
public:
	NodeInventory(const ProxmoxContext& context, VmLocator& locator, GpuInventory& gpus, VmObserver& observer);

	std::vector<sdk::NodeInfo> listNodes();
	sdk::HealthReport checkHealth();

private:
	struct ClusterNode
	{
		std::string name;
		bool online = false;
		std::uint32_t cores = 0;
		std::uint64_t memoryBytes = 0;
	};

	std::vector<ClusterNode> clusterNodes();
	void fillNodeDetails(sdk::NodeInfo& node);
	void fillStorage(std::vector<sdk::NodeInfo>& nodes);
	void fillTemplates(std::vector<sdk::NodeInfo>& nodes, const std::vector<VmResource>& vms);

	const ProxmoxContext& _context;
	VmLocator& _locator;
	GpuInventory& _gpus;
	VmObserver& _observer;
};

} // namespace gpucloud::plugins::proxmox
