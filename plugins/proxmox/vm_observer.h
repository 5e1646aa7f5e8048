#pragma once

#include <vector>

#include "gpucloud/sdk/types.h"
#include "guest_agent.h"
#include "proxmox_context.h"
#include "vm_locator.h"

namespace gpucloud::plugins::proxmox
{

/// Reports VM state: power, guest addresses, CPU and memory use, network counters and GPUs.
class VmObserver
{
public:
	VmObserver(const ProxmoxContext& context, VmLocator& locator, GuestAgent& agent);

	sdk::VmStatus status(const sdk::VmRef& ref);

	/// Returns every VM (templates excluded) on the configured nodes.
	std::vector<sdk::VmStatus> listAll();

	/// Returns the configurations of the running VMs with GPUs on the configured nodes.
	std::vector<LocatedVm> runningVms();

private:
	sdk::VmStatus describe(const LocatedVm& vm);

	const ProxmoxContext& _context;
	VmLocator& _locator;
	GuestAgent& _agent;
};

} // namespace gpucloud::plugins::proxmox
