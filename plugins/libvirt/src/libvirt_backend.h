#pragma once

#include "gpucloud/sdk/hypervisor_backend.h"
#include "backend_core.h"
#include "node_inventory.h"
#include "vm_lifecycle.h"
#include "vm_observer.h"

namespace gpucloud::plugins::libvirt
{

/// Plugin version reported in PluginInfo.
constexpr const char* kPluginVersion = "0.1.0";

/// A libvirt backend instance: nodes reached through libvirt connection URIs, VMs as persistent domains whose disks
/// are clones of template volumes. Thread-safe: operations on different VMs run in parallel, operations on one VM
/// run one after another.
class LibvirtBackend : public sdk::HypervisorBackend
{
public:
	/// Reads the configuration and connects to every node; a node that cannot be reached starts offline.
	/// Throws BackendError(InvalidRequest) for a bad configuration.
	explicit LibvirtBackend(const sdk::BackendContext& context);

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
	BackendCore _core;
	NodeInventory _inventory;
	VmLifecycle _lifecycle;
	VmObserver _observer;
};

/// The plugin's factory: creates a LibvirtBackend for `context`.
sdk::HypervisorBackend* createBackend(const sdk::BackendContext& context);

} // namespace gpucloud::plugins::libvirt
