#include "vmid_allocator.h"

#include "api_error.h"
#include "json_fields.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

constexpr int kMaxProbes = 1000;

} // namespace

VmidAllocator::VmidAllocator(const ProxmoxContext& context) : _context(context)
{
}

std::int64_t VmidAllocator::reserve()
{
	std::lock_guard<std::mutex> lock(_mutex);
	std::int64_t candidate = lenientInt(_context.api.get("/cluster/nextid"), 0);
	if (candidate < 100)
		throw ApiError(sdk::ErrorKind::Fatal, 200, "GET /cluster/nextid", "returned no usable VM id", false);
	for (int probe = 0; probe < kMaxProbes; ++probe, ++candidate)
	{
		if (_reserved.count(candidate))
			continue;
		if (probe > 0 && !isFreeOnCluster(candidate))
			continue;
		_reserved.insert(candidate);
		return candidate;
	}
	throw ApiError(sdk::ErrorKind::CapacityExhausted, 200, "GET /cluster/nextid",
		"no free VM id found within " + std::to_string(kMaxProbes) + " ids after the one the cluster proposed", false);
}

void VmidAllocator::release(std::int64_t vmid)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_reserved.erase(vmid);
}

bool VmidAllocator::isFreeOnCluster(std::int64_t vmid)
{
	try
	{
		_context.api.get("/cluster/nextid", {{"vmid", std::to_string(vmid)}});
		return true;
	}
	catch (const ApiError& error)
	{
		if (error.status() == 400)
			return false;
		throw;
	}
}

} // namespace gpucloud::plugins::proxmox
