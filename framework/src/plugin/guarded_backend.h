#pragma once

#include <memory>
#include <string>

#include <boost/dll/shared_library.hpp>

#include "gpucloud/sdk/hypervisor_backend.h"

namespace gpucloud::plugin
{

/// Wraps a backend created by a plugin. It keeps the plugin library loaded until the backend is destroyed, rethrows
/// any exception other than sdk::BackendError as BackendError(Fatal) naming the instance and the call, and raises
/// NotSupported for an operation whose capability the plugin does not declare, without calling the plugin.
class GuardedBackend : public sdk::HypervisorBackend
{
public:
	/// With `enforceCapabilities` false, undeclared operations reach the plugin, which must then raise
	/// NotSupported itself; the conformance kit loads plugins that way to check that they do.
	GuardedBackend(std::string instanceName, std::shared_ptr<boost::dll::shared_library> library,
		std::unique_ptr<sdk::HypervisorBackend> backend, bool enforceCapabilities = true);
	~GuardedBackend() override;

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
	auto guard(const char* operation, Call&& call) -> decltype(call());

	void require(sdk::Capability capability, const char* operation) const;

	std::string _instanceName;
	sdk::PluginInfo _info;
	bool _enforceCapabilities;
	std::shared_ptr<boost::dll::shared_library> _library;  // declared before _backend: destroyed after it
	std::unique_ptr<sdk::HypervisorBackend> _backend;
};

} // namespace gpucloud::plugin
