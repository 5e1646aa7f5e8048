#pragma once

#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "gpu_inventory.h"
#include "gpucloud/sdk/types.h"
#include "proxmox_context.h"
#include "vm_locator.h"
#include "vmid_allocator.h"

namespace gpucloud::plugins::proxmox
{

/// Creates VMs: full clone of the template, configuration (CPU, memory, q35, GPUs, cloud-init), disk resize.
/// Creates of the same server VM id are serialized, and a create that finds the VM from an earlier attempt finishes
/// its configuration instead of cloning again.
class VmProvisioner
{
public:
	VmProvisioner(const ProxmoxContext& context, VmLocator& locator, VmidAllocator& allocator, GpuInventory& gpus);

	sdk::CreatedVm create(const sdk::VmSpec& spec);

private:
	void validate(const sdk::VmSpec& spec) const;
	TemplateLocation resolveTemplate(const sdk::VmSpec& spec) const;
	std::int64_t cloneTemplate(const sdk::VmSpec& spec, const TemplateLocation& source);
	bool tryClone(const sdk::VmSpec& spec, const TemplateLocation& source, std::int64_t vmid);
	void finish(const sdk::VmSpec& spec, const std::string& node, std::int64_t vmid);
	void configure(const sdk::VmSpec& spec, const LocatedVm& vm);
	void resize(const sdk::VmSpec& spec, const LocatedVm& vm);
	std::shared_ptr<std::mutex> createLock(const std::string& vmId);

	const ProxmoxContext& _context;
	VmLocator& _locator;
	VmidAllocator& _allocator;
	GpuInventory& _gpus;

	std::mutex _locksMutex;
	std::map<std::string, std::weak_ptr<std::mutex>> _createLocks;

	// Full clones are limited to max_parallel_clones at a time: Proxmox serializes storage allocation, and too many
	// parallel copies fail with storage lock timeouts.
	std::mutex _cloneSlotsMutex;
	std::condition_variable _cloneSlotFreed;
	int _clonesRunning = 0;
};

} // namespace gpucloud::plugins::proxmox
