#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"
#include "gpu_inventory.h"
#include "guest_agent.h"
#include "vm_observer.h"
#include "proxmox_context.h"
#include "vm_locator.h"

namespace gpucloud::plugins::proxmox
{

/// Changes a VM that exists: power on and off, reboot, disk resize, destroy. Every call polls its task to the end.
class VmPower
{
public:
	VmPower(const ProxmoxContext& context, VmLocator& locator, GuestAgent& agent, GpuInventory& gpus,
		VmObserver& observer);

	/// Starts the VM with the GPUs in ref.gpuAddresses, or with the ones it has when that is empty.
	void start(const sdk::VmRef& ref);
	void stop(const sdk::VmRef& ref, std::chrono::seconds gracePeriod);
	void reboot(const sdk::VmRef& ref);
	void resizeDisk(const sdk::VmRef& ref, std::uint64_t diskGb);
	void destroy(const sdk::VmRef& ref);

private:
	LocatedVm locate(const sdk::VmRef& ref, const char* operation);
	std::string powerState(const LocatedVm& vm);
	void forceStop(const LocatedVm& vm, const std::string& label);
	void attachGpus(const LocatedVm& vm, const std::vector<std::string>& addresses, const std::string& label);
	void powerOn(const LocatedVm& vm, const std::string& label);
	std::mutex& nodeStartMutex(const std::string& node);

	const ProxmoxContext& _context;
	VmLocator& _locator;
	GuestAgent& _agent;
	GpuInventory& _gpus;
	VmObserver& _observer;

	// Starts on one node are serialized, so that the check for GPUs held by other running VMs and the start that
	// takes them cannot interleave with another start of this backend.
	std::mutex _startMutexesMutex;
	std::map<std::string, std::unique_ptr<std::mutex>> _startMutexes;
};

} // namespace gpucloud::plugins::proxmox
