// A plugin whose operations throw types outside the SDK: std::logic_error, or an int when the key `throw` is "int".
// It declares no optional capability, so the server must not even call rebootVm or resizeDisk.
#include <stdexcept>

#include "gpucloud/sdk/hypervisor_backend.h"

namespace
{

using namespace gpucloud::sdk;

class ForeignExceptionsBackend : public HypervisorBackend
{
public:
	explicit ForeignExceptionsBackend(bool throwInt) : _throwInt(throwInt) {}

	PluginInfo info() const override { return PluginInfo{"foreign", "0.1", kAbiVersion, 0}; }
	std::vector<NodeInfo> listNodes() override { fail("listNodes"); }
	CreatedVm createVm(const VmSpec&) override { fail("createVm"); }
	void startVm(const VmRef&) override { fail("startVm"); }
	void stopVm(const VmRef&, std::chrono::seconds) override { fail("stopVm"); }
	void rebootVm(const VmRef&) override { fail("rebootVm"); }
	void resizeDisk(const VmRef&, std::uint64_t) override { fail("resizeDisk"); }
	void destroyVm(const VmRef&) override { fail("destroyVm"); }
	VmStatus getVmStatus(const VmRef&) override { fail("getVmStatus"); }
	std::vector<VmStatus> listVms() override { fail("listVms"); }
	HealthReport checkHealth() override { fail("checkHealth"); }

private:
	[[noreturn]] void fail(const std::string& method) const
	{
		if (_throwInt)
			throw 7;
		throw std::logic_error("foreign failure in " + method);
	}

	bool _throwInt;
};

HypervisorBackend* createForeignBackend(const BackendContext& context)
{
	auto it = context.config.find("throw");
	return new ForeignExceptionsBackend(it != context.config.end() && it->second == "int");
}

} // namespace

GPUCLOUD_DEFINE_PLUGIN(createForeignBackend)
