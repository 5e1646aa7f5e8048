#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gpucloud/sdk/host_services.h"
#include "gpucloud/sdk/types.h"
#include "backend_settings.h"
#include "domain_catalog.h"
#include "gpu_inventory.h"
#include "keyed_mutex.h"
#include "node.h"
#include "volume_store.h"

namespace gpucloud::plugins::libvirt
{

/// The state one backend instance shares among its operations: settings, nodes, helpers and the per-VM locks.
class BackendCore
{
public:
	BackendCore(BackendSettings settings, sdk::HostServices& host);

	/// Returns the node called `name`. Throws BackendError(NotFound) when this backend does not manage it.
	Node& node(const std::string& name);

	std::vector<std::unique_ptr<Node>>& nodes() { return _nodes; }

	/// Returns the declared capabilities: those every configured node's libvirt driver supports.
	std::uint32_t capabilities() const { return _capabilities; }
	bool has(sdk::Capability capability) const { return (_capabilities & static_cast<std::uint32_t>(capability)) != 0; }

	/// Throws BackendError(NotSupported) naming `operation` and the capability when it is not declared.
	void require(sdk::Capability capability, const std::string& operation) const;

	/// Locks the VM that `vm` names on its node until the guard is destroyed.
	KeyedMutex::Guard lockVm(const sdk::VmRef& vm);

	/// Returns the words that name a VM in messages: "VM '<vmId>'" or "domain '<backendId>'".
	static std::string describeVm(const sdk::VmRef& vm);

	const BackendSettings settings;
	sdk::HostServices& host;
	const DomainCatalog catalog;
	const VolumeStore volumes;
	const GpuInventory gpus;

private:
	std::uint32_t _capabilities = 0;
	std::vector<std::unique_ptr<Node>> _nodes;
	KeyedMutex _vmLocks;
};

} // namespace gpucloud::plugins::libvirt
