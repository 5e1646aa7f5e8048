#pragma once

#include <cstdint>
#include <mutex>
#include <set>

#include "proxmox_context.h"

namespace gpucloud::plugins::proxmox
{

/// Picks VM ids for new clones. GET /cluster/nextid reserves nothing, so the allocator keeps the ids of clones in
/// flight in this process and skips them; a collision with another client is detected by the clone call itself
/// ("config file already exists", "File exists") and the caller retries with a fresh id.
class VmidAllocator
{
public:
	explicit VmidAllocator(const ProxmoxContext& context);

	/// Returns an id that the cluster reports free and that no other create of this process holds.
	std::int64_t reserve();

	/// Ends the reservation, once the clone exists on the cluster or failed.
	void release(std::int64_t vmid);

private:
	bool isFreeOnCluster(std::int64_t vmid);

	const ProxmoxContext& _context;
	std::mutex _mutex;
	std::set<std::int64_t> _reserved;
};

/// Releases a reserved id when it goes out of scope.
class VmidReservation
{
public:
	VmidReservation(VmidAllocator& allocator) : _allocator(allocator), _vmid(allocator.reserve()) {}
	~VmidReservation() { _allocator.release(_vmid); }
	VmidReservation(const VmidReservation&) = delete;
	VmidReservation& operator=(const VmidReservation&) = delete;

	std::int64_t vmid() const { return _vmid; }

private:
	VmidAllocator& _allocator;
	std::int64_t _vmid;
};

} // namespace gpucloud::plugins::proxmox
