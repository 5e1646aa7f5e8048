#pragma once

#include "gpucloud/sdk/types.h"
#include "backend_settings.h"
#include "domain_catalog.h"
#include "gpu_inventory.h"
#include "node.h"
#include "volume_store.h"

namespace gpucloud::plugins::libvirt
{

/// Builds the NodeInfo of one node from libvirt: CPU and memory from virNodeGetInfo, the CPU model from the
/// host's SMBIOS data or capabilities, storage from the pool, GPUs with their holders, and the templates whose base
/// volume exists in the pool.
class NodeInventory
{
public:
	NodeInventory(const BackendSettings& settings, const DomainCatalog& catalog, const VolumeStore& volumes,
		const GpuInventory& gpus);

	/// Returns the node's inventory, or the node with NodeStatus::Offline and the reason when it cannot be read.
	sdk::NodeInfo describe(Node& node) const;

private:
	void readHost(const NodeSession& session, sdk::NodeInfo& info) const;
	void readStorage(const NodeSession& session, sdk::NodeInfo& info) const;
	void readGpus(const NodeSession& session, sdk::NodeInfo& info) const;
	std::string readCpuModel(const NodeSession& session, const virNodeInfo& nodeInfo) const;

	const BackendSettings& _settings;
	const DomainCatalog& _catalog;
	const VolumeStore& _volumes;
	const GpuInventory& _gpus;
};

} // namespace gpucloud::plugins::libvirt
