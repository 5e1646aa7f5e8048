#pragma once

#include <memory>

#include "api_client.h"
#include "gpu_inventory.h"
#include "gpucloud/sdk/hypervisor_backend.h"
#include "guest_agent.h"
#include "node_inventory.h"
#include "proxmox_context.h"
#include "proxmox_settings.h"
#include "task_waiter.h"
#include "vm_locator.h"
#include "vm_observer.h"
#include "vm_power.h"
#include "vm_provisioner.h"
#include "vmid_allocator.h"

namespace gpucloud::plugins::proxmox
{

/// The `proxmox` hypervisor backend: one Proxmox VE cluster reached through its REST API with an API token.
/// Thread-safe; each call blocks until its Proxmox tasks have finished.
class ProxmoxBackend : public sdk::HypervisorBackend
{
public:
	/// Throws sdk::BackendError(InvalidRequest) for a bad configuration. Does not contact the server.
	explicit ProxmoxBackend(const sdk::BackendContext& context);

	sdk::PluginInfo info() const override;
	std::vector<sdk::NodeInfo> listNodes() override;
	sdk::CreatedVm createVm(const sdk::VmSpec& spec) override;
	void startVm(const sdk::VmRef& vm) override;
	void stopVm(const sdk::VmRef& vm, std::chrono::seconds gracePeriod) override;
	void rebootVm(const sdk::VmRef& vm) override;
	void resizeDisk(const sdk::VmRef& vm, std::uint64_t diskGb) override;
	void destroyVm(const sdk::VmRef& vm) override;
	sdk::VmStatus getVmStatus(const sdk::VmRef& vm) override;
	std::vector<sdk::VmStatus> listVms() override;
	sdk::HealthReport checkHealth() override;

private:
	template <class Call>
	auto translate(const std::string& operation, Call&& call) -> decltype(call());

	ProxmoxSettings _settings;
	ApiClient _api;
	TaskWaiter _tasks;
	ProxmoxContext _context;
	VmLocator _locator;
	VmidAllocator _allocator;
	GuestAgent _agent;
	GpuInventory _gpus;
	VmObserver _observer;
	NodeInventory _nodes;
	VmProvisioner _provisioner;
	VmPower _power;
};

/// Factory behind the plugin's exported symbol.
sdk::HypervisorBackend* createBackend(const sdk::BackendContext& context);

} // namespace gpucloud::plugins::proxmox
