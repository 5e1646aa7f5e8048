#pragma once

#include <chrono>
#include <cstdint>
#include <vector>

#include "gpucloud/sdk/types.h"
#include "backend_core.h"
#include "domain_catalog.h"
#include "domain_xml.h"

namespace gpucloud::plugins::libvirt
{

/// The mutating operations of the backend: create, start, stop, reboot, resize and destroy. Each takes the VM's
/// lock, so that two operations on one VM never interleave.
class VmLifecycle
{
public:
	explicit VmLifecycle(BackendCore& core);

	/// Defines the domain with a hostdev per GPU of `spec`, without checking whether running VMs hold them.
	sdk::CreatedVm create(const sdk::VmSpec& spec);

	/// Starts the domain with the GPUs in `vm.gpuAddresses`, or with its hostdevs when that is empty. When the
	/// GPUs differ from the hostdevs, the domain is redefined with the new ones first. A running or paused domain
	/// is left as it is, apart from resuming a paused one.
	void start(const sdk::VmRef& vm);
	void stop(const sdk::VmRef& vm, std::chrono::seconds gracePeriod);
	void reboot(const sdk::VmRef& vm);
	void resize(const sdk::VmRef& vm, std::uint64_t diskGb);
	void destroy(const sdk::VmRef& vm);

private:
	void validateSpec(const sdk::VmSpec& spec) const;
	/// Throws BackendError(InvalidRequest) for a GPU that is not among the node's GPUs.
	void requireGpusOnNode(const NodeSession& session, const std::vector<PciAddress>& gpus) const;
	DomainDefinition defineFor(const sdk::VmSpec& spec, const std::string& volume) const;
	ManagedDomain require(const NodeSession& session, const sdk::VmRef& vm) const;
	void claimGpusAndStart(const NodeSession& session, const ManagedDomain& domain,
		const std::vector<PciAddress>& gpus) const;
	void redefineGpus(const NodeSession& session, const ManagedDomain& domain,
		const std::vector<PciAddress>& gpus) const;
	bool waitForShutoff(const NodeSession& session, const ManagedDomain& domain, std::chrono::seconds timeout) const;
	void forceOff(const NodeSession& session, const ManagedDomain& domain) const;

	BackendCore& _core;
};

} // namespace gpucloud::plugins::libvirt
