// A plugin that keeps the contract with as little as possible: one node, no VMs, no optional capabilities.
#include "gpucloud/sdk/hypervisor_backend.h"

namespace
{

using namespace gpucloud::sdk;

class MinimalBackend : public HypervisorBackend
{
public:
	explicit MinimalBackend(std::string instanceName) : _instanceName(std::move(instanceName)) {}

	PluginInfo info() const override { return PluginInfo{"minimal", "0.1", kAbiVersion, 0}; }

	std::vector<NodeInfo> listNodes() override
	{
		NodeInfo node;
		node.name = _instanceName + "-node";
		return {node};
	}

	CreatedVm createVm(const VmSpec& spec) override
	{
		throw BackendError(ErrorKind::CapacityExhausted, "Node '" + spec.node + "' has no room for VM '" + spec.vmId + "'");
	}

	void startVm(const VmRef& vm) override { throw notFound(vm); }
	void stopVm(const VmRef& vm, std::chrono::seconds) override { throw notFound(vm); }
	void rebootVm(const VmRef&) override { throw BackendError(ErrorKind::NotSupported, "capability 'reboot' is not declared"); }
	void resizeDisk(const VmRef&, std::uint64_t) override
	{
		throw BackendError(ErrorKind::NotSupported, "capability 'disk_resize' is not declared");
	}
	void destroyVm(const VmRef&) override {}
	VmStatus getVmStatus(const VmRef& vm) override { throw notFound(vm); }
	std::vector<VmStatus> listVms() override { return {}; }
	HealthReport checkHealth() override { return HealthReport{true, "ok", {{_instanceName + "-node", "online"}}}; }

private:
	static BackendError notFound(const VmRef& vm)
	{
		return BackendError(ErrorKind::NotFound, "VM '" + vm.vmId + "' does not exist on node '" + vm.node + "'");
	}

	std::string _instanceName;
};

HypervisorBackend* createMinimalBackend(const BackendContext& context)
{
	return new MinimalBackend(context.instanceName);
}

} // namespace

GPUCLOUD_DEFINE_PLUGIN(createMinimalBackend)
