#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"

namespace gpucloud::catalogue
{

/// One node as the server last saw it.
struct NodeEntry
{
	std::string backend;  ///< name of the backend instance that manages the node
	sdk::NodeInfo info;
	bool schedulable = true;  ///< false while an operator drains the node
};

/// The nodes of every backend at one moment. Immutable once published, so readers share it without locks.
struct InventorySnapshot
{
	std::vector<NodeEntry> nodes;
	std::chrono::system_clock::time_point takenAt;

	/// Returns the node or nullptr.
	const NodeEntry* find(const std::string& node) const;
};

/// The node and GPU inventory, read from the backends and cached with a short refresh interval.
class Inventory
{
public:
	virtual ~Inventory() = default;

	/// Returns the last published snapshot without blocking. Never null after the server started.
	virtual std::shared_ptr<const InventorySnapshot> snapshot() const = 0;

	/// Reads every backend now and publishes a new snapshot. Blocks for as long as the backends take, so it is
	/// called from background threads and operator actions, not from public request handlers.
	virtual void refresh() = 0;
};

/// Number of GPUs allocated to VMs, by node and GPU type.
using AllocationCounts = std::map<std::string, std::map<std::string, std::uint32_t>>;

/// The GPU allocation counts of the database, cached in memory so that offers are computed without a database
/// round trip per request. Writers call invalidate() after they commit a change to gpu_allocations; the next read
/// reloads the counts with one query.
class AllocationCache
{
public:
	virtual ~AllocationCache() = default;

	/// Returns the current counts; reloads them first when they were invalidated or are older than the cache's
	/// maximum age. Thread-safe.
	virtual std::shared_ptr<const AllocationCounts> counts() = 0;

	/// Marks the counts stale. Thread-safe and cheap.
	virtual void invalidate() = 0;
};

/// Cores and memory that one GPU of a node brings to a VM: the node's totals divided by its GPU count.
struct GpuShare
{
	std::uint32_t cpuCoresPerGpu = 0;
	std::uint32_t ramGbPerGpu = 0;
};

/// Returns the per-GPU share of `node`; zero for a node without GPUs.
GpuShare perGpuShare(const sdk::NodeInfo& node);

} // namespace gpucloud::catalogue
