#include "plugin/guarded_backend.h"

#include <exception>

namespace gpucloud::plugin
{

GuardedBackend::GuardedBackend(std::string instanceName, std::shared_ptr<boost::dll::shared_library> library,
	std::unique_ptr<sdk::HypervisorBackend> backend, bool enforceCapabilities)
	: _instanceName(std::move(instanceName))
	, _enforceCapabilities(enforceCapabilities)
	, _library(std::move(library))
	, _backend(std::move(backend))
{
	_info = guard("info", [&] { return _backend->info(); });
}

GuardedBackend::~GuardedBackend()
{
	try
	{
		_backend.reset();
	}
	catch (...)
	{
		// A destructor that throws inside a plugin must not terminate the server during shutdown.
	}
}

template <class Call>
auto GuardedBackend::guard(const char* operation, Call&& call) -> decltype(call())
{
	try
	{
		return call();
	}
	catch (const sdk::BackendError&)
	{
		throw;
	}
	catch (const std::exception& error)
	{
		throw sdk::BackendError(sdk::ErrorKind::Fatal, "Backend '" + _instanceName + "' threw an unexpected exception in "
				+ operation + ": " + error.what());
	}
	catch (...)
	{
		throw sdk::BackendError(sdk::ErrorKind::Fatal, "Backend '" + _instanceName
				+ "' threw an exception of unknown type in " + operation);
	}
}

void GuardedBackend::require(sdk::Capability capability, const char* operation) const
{
	if (_enforceCapabilities && !_info.has(capability))
	{
		throw sdk::BackendError(sdk::ErrorKind::NotSupported, "Backend '" + _instanceName + "' (plugin '" + _info.name
				+ "') does not support " + operation + ": capability '" + sdk::capabilityName(capability)
				+ "' is not declared");
	}
}

sdk::PluginInfo GuardedBackend::info() const
{
	return _info;
}

std::vector<sdk::NodeInfo> GuardedBackend::listNodes()
{
	return guard("listNodes", [&] { return _backend->listNodes(); });
}

sdk::CreatedVm GuardedBackend::createVm(const sdk::VmSpec& spec)
{
	if (!spec.gpuAddresses.empty())
		require(sdk::Capability::GpuPassthrough, "createVm with GPUs");
	return guard("createVm", [&] { return _backend->createVm(spec); });
}

void GuardedBackend::startVm(const sdk::VmRef& vm)
{
	if (!vm.gpuAddresses.empty())
		require(sdk::Capability::GpuPassthrough, "startVm with GPUs");
	guard("startVm", [&] { _backend->startVm(vm); });
}

void GuardedBackend::stopVm(const sdk::VmRef& vm, std::chrono::seconds gracePeriod)
{
	guard("stopVm", [&] { _backend->stopVm(vm, gracePeriod); });
}

void GuardedBackend::rebootVm(const sdk::VmRef& vm)
{
	require(sdk::Capability::Reboot, "rebootVm");
	guard("rebootVm", [&] { _backend->rebootVm(vm); });
}

void GuardedBackend::resizeDisk(const sdk::VmRef& vm, std::uint64_t diskGb)
{
	require(sdk::Capability::DiskResize, "resizeDisk");
	guard("resizeDisk", [&] { _backend->resizeDisk(vm, diskGb); });
}

void GuardedBackend::destroyVm(const sdk::VmRef& vm)
{
	guard("destroyVm", [&] { _backend->destroyVm(vm); });
}

sdk::VmStatus GuardedBackend::getVmStatus(const sdk::VmRef& vm)
{
	return guard("getVmStatus", [&] { return _backend->getVmStatus(vm); });
}

std::vector<sdk::VmStatus> GuardedBackend::listVms()
{
	return guard("listVms", [&] { return _backend->listVms(); });
}

sdk::HealthReport GuardedBackend::checkHealth()
{
	try
	{
		return _backend->checkHealth();
	}
	catch (const std::exception& error)
	{
		return sdk::HealthReport{false, std::string("health check threw: ") + error.what(), {}};
	}
	catch (...)
	{
		return sdk::HealthReport{false, "health check threw an exception of unknown type", {}};
	}
}

} // namespace gpucloud::plugin
