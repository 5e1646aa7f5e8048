#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Poco/Data/Session.h>

#include "catalogue/inventory.h"

namespace gpucloud::vms
{

/// An interruptible VM that gave up its GPUs to a new VM.
struct Preemption
{
	std::string vmId;
	std::vector<std::string> addresses;
};

/// GPUs chosen for a new VM on one node.
struct GpuPlan
{
	std::vector<std::string> addresses;  ///< `count` addresses of the requested type
	std::vector<Preemption> preemptions;  ///< interruptible VMs that must give their GPUs up first
};

/// Chooses GPUs in the database's view of one node. All functions run inside the caller's transaction; the
/// allocation rows themselves are written by repository::allocate(), whose primary key rejects a GPU taken twice.
namespace gpu_allocator
{

/// Picks `count` GPUs of `gpuType` on `node` for a new VM: free ones first (in address order), then, when
/// `mayPreempt` is set, the GPUs of running interruptible VMs on the node, newest VM first, taking as few VMs as
/// needed. Throws http::ApiError(409) naming the node, the type and the numbers when even that is not enough.
GpuPlan plan(Poco::Data::Session& session, const sdk::NodeInfo& node, const std::string& gpuType, int count,
	bool mayPreempt);

/// Returns the first of `addresses` that another VM holds on `node`, or an empty string when all are free.
std::string firstTaken(Poco::Data::Session& session, const std::string& node,
	const std::vector<std::string>& addresses);

} // namespace gpu_allocator

} // namespace gpucloud::vms
