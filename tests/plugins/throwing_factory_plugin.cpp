// A plugin whose factory fails in the way the key `fail` selects: backend_error, logic_error, int, null (returns
// no backend) or info (returns a backend whose info() throws).
#include <stdexcept>

#include "gpucloud/sdk/hypervisor_backend.h"

namespace
{

using namespace gpucloud::sdk;

class BrokenInfoBackend : public HypervisorBackend
{
public:
	PluginInfo info() const override { throw std::logic_error("info() is broken"); }
	std::vector<NodeInfo> listNodes() override { return {}; }
	CreatedVm createVm(const VmSpec&) override { return {}; }
	void startVm(const VmRef&) override {}
	void stopVm(const VmRef&, std::chrono::seconds) override {}
	void rebootVm(const VmRef&) override {}
	void resizeDisk(const VmRef&, std::uint64_t) override {}
	void destroyVm(const VmRef&) override {}
	VmStatus getVmStatus(const VmRef&) override { return {}; }
	std::vector<VmStatus> listVms() override { return {}; }
	HealthReport checkHealth() override { return {}; }
};

HypervisorBackend* createFailingBackend(const BackendContext& context)
{
	auto it = context.config.find("fail");
	std::string mode = it == context.config.end() ? "" : it->second;
	if (mode == "backend_error")
		throw BackendError(ErrorKind::InvalidRequest, "Invalid value for backends." + context.instanceName + ".fail");
	if (mode == "logic_error")
		throw std::logic_error("the factory broke an invariant");
	if (mode == "int")
		throw 42;
	if (mode == "info")
		return new BrokenInfoBackend;
	return nullptr;
}

} // namespace

GPUCLOUD_DEFINE_PLUGIN(createFailingBackend)
