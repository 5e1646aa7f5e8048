#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "gpucloud/sdk/errors.h"
#include "gpucloud/sdk/host_services.h"
#include "gpucloud/sdk/types.h"
#include "gpucloud/sdk/visibility.h"

namespace gpucloud::sdk
{

/// A hypervisor backend: one configured instance of a plugin, managing one or more nodes.
///
/// Every method blocks until the operation is complete on the hypervisor, which may take minutes (cloning a disk).
/// The server calls them from worker threads only, never from an HTTP thread, and may call any method from several
/// threads at once, so an implementation must be thread-safe. Failures are reported by throwing BackendError and
/// nothing else; the server treats any other exception as ErrorKind::Fatal. A method whose capability the plugin
/// does not declare in info() throws BackendError(ErrorKind::NotSupported) naming the capability.
class HypervisorBackend
{
public:
	virtual ~HypervisorBackend() = default;

	/// Returns the plugin's identity and capabilities. Must be cheap, must not throw, and must stay constant for the
	/// object's life: the server reads it once at load.
	virtual PluginInfo info() const = 0;

	/// Returns every node this backend manages with its GPUs and templates. A node that cannot be reached is
	/// returned with NodeStatus::Offline instead of failing the whole call.
	/// Throws Unavailable when the backend as a whole cannot be reached.
	virtual std::vector<NodeInfo> listNodes() = 0;

	/// Creates a VM from spec.templateVmid on spec.node, records the GPUs in spec.gpuAddresses in its
	/// configuration, delivers the credentials and leaves the VM stopped. A VM holds its GPUs on the node only while
	/// it runs (or is paused): the server allocates GPUs before it creates or starts a VM and frees them when the VM
	/// stops, so a stopped VM blocks no GPU. Idempotent per spec.vmId: when a VM with that id already exists on
	/// the backend, the call returns its reference instead of creating another one, so that the server can retry
	/// an interrupted create.
	/// Throws NotFound (node or template), CapacityExhausted (no storage), InvalidRequest, Unavailable,
	/// Conflict or Fatal.
	virtual CreatedVm createVm(const VmSpec& spec) = 0;

	/// Powers the VM on with the GPUs in vm.gpuAddresses (or, when that is empty, the GPUs it was created or last
	/// started with). Starting a running VM succeeds. Throws NotFound, Conflict, CapacityExhausted (a GPU is held
	/// by another running VM), InvalidRequest (a GPU does not exist on the node), Unavailable or Fatal.
	virtual void startVm(const VmRef& vm) = 0;

	/// Powers the VM off: with Capability::GracefulShutdown, an ACPI shutdown first and a forced power-off after
	/// `gracePeriod`; without it, a forced power-off. Stopping a stopped VM succeeds. Afterwards the VM's GPUs are
	/// free on the node. Throws NotFound, Conflict, Unavailable or Fatal.
	virtual void stopVm(const VmRef& vm, std::chrono::seconds gracePeriod) = 0;

	/// Restarts a running VM (Capability::Reboot). Throws NotFound, Conflict (not running), Unavailable, Fatal.
	virtual void rebootVm(const VmRef& vm) = 0;

	/// Grows the VM's disk to `diskGb` (Capability::DiskResize; on a running VM Capability::OnlineDiskResize).
	/// Throws InvalidRequest for a size below the current one, NotFound, Conflict, Unavailable or Fatal.
	virtual void resizeDisk(const VmRef& vm, std::uint64_t diskGb) = 0;

	/// Removes the VM and its disks and frees its GPUs, forcing it off first when it runs. Idempotent: destroying a
	/// VM that does not exist succeeds. Throws Conflict, Unavailable or Fatal.
	virtual void destroyVm(const VmRef& vm) = 0;

	/// Returns the current state of one VM. Throws NotFound when the backend has no such VM, Unavailable or Fatal.
	virtual VmStatus getVmStatus(const VmRef& vm) = 0;

	/// Returns every VM on every online node of this backend, including VMs that no server record owns
	/// (VmStatus::vmId empty), for reconciliation. Throws Unavailable or Fatal.
	virtual std::vector<VmStatus> listVms() = 0;

	/// Checks that the backend and each of its nodes can be reached. Must not throw: a failure is a report with
	/// `healthy` false. The server still turns an exception from a plugin into such a report.
	virtual HealthReport checkHealth() = 0;
};

/// Arguments of a plugin's factory.
struct BackendContext
{
	std::string instanceName;  ///< the `<name>` of `backends.<name>`
	ConfigMap config;          ///< the instance's configuration keys without the `backends.<name>.` prefix
	HostServices* host = nullptr;  ///< owned by the server; outlives the backend
};

} // namespace gpucloud::sdk

/// Symbols every plugin exports with C linkage. The loader reads `gpucloud_plugin_abi_version` before it calls
/// anything else and rejects the plugin when it differs from kAbiVersion.
///
/// `gpucloud_create_backend` returns a new backend that the caller owns and deletes through the virtual destructor.
/// It throws BackendError(InvalidRequest) for a bad configuration, naming the key.
#define GPUCLOUD_PLUGIN_ABI_SYMBOL "gpucloud_plugin_abi_version"
#define GPUCLOUD_PLUGIN_FACTORY_SYMBOL "gpucloud_create_backend"

/// Declares the two exported symbols of a plugin. Use once in one source file of the plugin:
///
///     GPUCLOUD_DEFINE_PLUGIN(mock::createBackend)
///
/// where the function has the signature `gpucloud::sdk::HypervisorBackend* (const gpucloud::sdk::BackendContext&)`.
#define GPUCLOUD_DEFINE_PLUGIN(factoryFunction)                                                                        \
	extern "C" GPUCLOUD_SDK_API const std::uint32_t gpucloud_plugin_abi_version = ::gpucloud::sdk::kAbiVersion;       \
	extern "C" GPUCLOUD_SDK_API ::gpucloud::sdk::HypervisorBackend* gpucloud_create_backend(                          \
		const ::gpucloud::sdk::BackendContext& context)                                                                \
	{                                                                                                                  \
		return factoryFunction(context);                                                                               \
	}
