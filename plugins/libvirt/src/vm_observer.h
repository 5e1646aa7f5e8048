#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"
#include "backend_core.h"
#include "domain_metrics.h"

namespace gpucloud::plugins::libvirt
{

/// The read-only operations: the state of one VM and the list of all VMs for reconciliation.
class VmObserver
{
public:
	explicit VmObserver(BackendCore& core);

	/// Returns the VM's power state, GPUs and disk size; for a running VM also its IP addresses and, with
	/// Capability::Metrics, its CPU, memory and network use. Throws NotFound when the domain does not exist.
	sdk::VmStatus status(const sdk::VmRef& vm);

	/// Returns every VM of this backend on every online node, with power state and GPUs but without addresses
	/// or usage. Throws Unavailable when no node is online.
	std::vector<sdk::VmStatus> list();

private:
	sdk::VmStatus summarize(const Node& node, const ManagedDomain& domain) const;
	std::vector<std::string> readAddresses(const NodeSession& session, const ManagedDomain& domain) const;
	std::uint64_t readDiskGb(const NodeSession& session, const ManagedDomain& domain) const;
	void readUsage(const NodeSession& session, const ManagedDomain& domain, sdk::VmStatus& status);
	StatsSample sample(const NodeSession& session, const ManagedDomain& domain) const;

	BackendCore& _core;
	std::mutex _samplesMutex;
	std::map<std::string, StatsSample> _lastSamples;  ///< by node/domain name, for CPU use between two calls
};

} // namespace gpucloud::plugins::libvirt
