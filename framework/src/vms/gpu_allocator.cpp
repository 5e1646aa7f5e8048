#include "vms/gpu_allocator.h"

#include <algorithm>
#include <set>

#include <Poco/Data/Statement.h>

#include "http/api_error.h"
#include "vms/vm_repository.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::vms::gpu_allocator
{

namespace
{

/// Returns the running interruptible VMs on the node that hold GPUs of `gpuType`, newest first, with their
/// addresses of that type.
std::vector<Preemption> preemptionCandidates(Poco::Data::Session& session, const std::string& node,
	const std::string& gpuType)
{
	std::string name = node;
	std::string type = gpuType;
	std::vector<std::string> vmIds;
	std::vector<std::string> addresses;
	session << "SELECT a.vm_id, a.gpu_address FROM gpu_allocations a JOIN vms v ON v.id = a.vm_id "
			   "WHERE a.node = $1 AND a.gpu_type = $2 AND v.rental_type = 'interruptible' AND v.status = 'running' "
			   "ORDER BY v.created_ms DESC, v.id DESC, a.gpu_address",
		use(name), use(type), into(vmIds), into(addresses), now;

	std::vector<Preemption> candidates;
	for (std::size_t i = 0; i < vmIds.size(); ++i)
	{
		if (candidates.empty() || candidates.back().vmId != vmIds[i])
			candidates.push_back(Preemption{vmIds[i], {}});
		candidates.back().addresses.push_back(addresses[i]);
	}
	return candidates;
}

std::string describeShortage(const sdk::NodeInfo& node, const std::string& gpuType, std::size_t free, int count)
{
	return "Not enough free GPUs: node '" + node.name + "' has " + std::to_string(free) + " free GPU"
		+ (free == 1 ? "" : "s") + " of type '" + gpuType + "', " + std::to_string(count) + " requested";
}

} // namespace

GpuPlan plan(Poco::Data::Session& session, const sdk::NodeInfo& node, const std::string& gpuType, int count,
	bool mayPreempt)
{
	std::set<std::string> taken = repository::allocatedOnNode(session, node.name);
	std::vector<std::string> free;
	for (const sdk::GpuDevice& gpu : node.gpus)
	{
		if (gpu.type == gpuType && taken.count(gpu.address) == 0)
			free.push_back(gpu.address);
	}
	std::sort(free.begin(), free.end());

	GpuPlan result;
	if (free.size() < static_cast<std::size_t>(count) && mayPreempt)
	{
		std::size_t available = free.size();
		for (Preemption& candidate : preemptionCandidates(session, node.name, gpuType))
		{
			if (available >= static_cast<std::size_t>(count))
				break;
			available += candidate.addresses.size();
			result.preemptions.push_back(std::move(candidate));
		}
		if (available < static_cast<std::size_t>(count))
			result.preemptions.clear();
		for (const Preemption& preemption : result.preemptions)
			free.insert(free.end(), preemption.addresses.begin(), preemption.addresses.end());
	}
	if (free.size() < static_cast<std::size_t>(count))
	{
		std::size_t freeNow = free.size();
		throw http::conflict(describeShortage(node, gpuType, freeNow, count));
	}
	result.addresses.assign(free.begin(), free.begin() + count);
	return result;
}

std::string firstTaken(Poco::Data::Session& session, const std::string& node,
	const std::vector<std::string>& addresses)
{
	std::set<std::string> taken = repository::allocatedOnNode(session, node);
	for (const std::string& address : addresses)
	{
		if (taken.count(address) != 0)
			return address;
	}
	return "";
}

} // namespace gpucloud::vms::gpu_allocator
