#pragma once

#include <chrono>
#include <cstdint>

#include "gpucloud/sdk/types.h"
#include "guest_agent.h"
#include "proxmox_context.h"
#include "vm_locator.h"

namespace gpucloud::plugins::proxmox
{

/// Changes a VM that exists: power on and off, reboot, disk resize, destroy. Every call polls its task to the end.
class VmPower
{
public:
	VmPower(const ProxmoxContext& context, VmLocator& locator, GuestAgent& agent);

	void start(const sdk::VmRef& ref);
	void stop(const sdk::VmRef& ref, std::chrono::seconds gracePeriod);
	void reboot(const sdk::VmRef& ref);
	void resizeDisk(const sdk::VmRef& ref, std::uint64_t diskGb);
	void destroy(const sdk::VmRef& ref);

private:
	LocatedVm locate(const sdk::VmRef& ref, const char* operation);
	std::string powerState(const LocatedVm& vm);
	void forceStop(const LocatedVm& vm, const std::string& label);

	const ProxmoxContext& _context;
	VmLocator& _locator;
	GuestAgent& _agent;
};

} // namespace gpucloud::plugins::proxmox
