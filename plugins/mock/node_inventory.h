#pragma once

#include <map>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"
#include "mock_settings.h"

namespace gpucloud::plugins::mock
{

/// One configured node with its GPUs and the storage its VMs use.
struct NodeState
{
	NodeSettings settings;
	std::vector<sdk::GpuDevice> gpus;  ///< assignedVmId tells which VM holds each GPU
	std::uint64_t usedStorageGb = 0;   ///< sum of the disks of the node's VMs

	std::uint64_t freeStorageGb() const;
	sdk::GpuDevice* findGpu(const std::string& address);
	bool hasTemplate(std::int64_t vmid) const;
};

/// The nodes and GPUs of the mock, with GPU assignment and storage accounting. Not thread-safe: the owner locks.
class NodeInventory
{
public:
	NodeInventory(const std::vector<NodeSettings>& nodes, const std::map<std::string, GpuTypeSettings>& gpuTypes);

	/// Returns the node, or nullptr when the backend has no node of that name.
	NodeState* find(const std::string& name);
	const NodeState* find(const std::string& name) const;
	const std::vector<NodeState>& nodes() const { return _nodes; }

	/// Returns the address of the `index`-th GPU (0-based) of a node: 0000:01:00.0, 0000:11:00.0, ... 0000:f1:00.0,
	/// 0001:01:00.0, ... Addresses depend only on the GPU's position in the node's configuration.
	static std::string pciAddress(std::size_t index);

	/// Returns the address of the first GPU in `addresses` that is missing on the node or held by a VM other
	/// than `vmId`, or an empty string when all of them can go to `vmId`.
	std::string firstUnavailableGpu(NodeState& node, const std::vector<std::string>& addresses,
		const std::string& vmId);

	/// Marks the GPUs as held by `vmId`. Every address must exist on the node.
	void assign(NodeState& node, const std::vector<std::string>& addresses, const std::string& vmId);

	/// Frees every GPU of the node that `vmId` holds.
	void release(NodeState& node, const std::string& vmId);

private:
	std::vector<NodeState> _nodes;
};

} // namespace gpucloud::plugins::mock
