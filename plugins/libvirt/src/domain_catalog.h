#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"
#include "backend_settings.h"
#include "domain_description.h"
#include "libvirt_handles.h"
#include "node.h"

namespace gpucloud::plugins::libvirt
{

/// A domain that belongs to this backend, as found on a node.
struct ManagedDomain
{
	DomainHandle handle;
	DomainDescription description;
	int state = VIR_DOMAIN_NOSTATE;  ///< virDomainState
	bool foreign = false;            ///< true for a domain of another owner, seen only by heldGpus()

	/// Returns true when the domain runs or is paused, so that it holds its GPUs.
	bool active() const;
	sdk::PowerState power() const;
};

/// Finds this backend's domains on a node. A domain belongs to the backend when its metadata names the backend
/// instance, or when it has no metadata but its name starts with the configured prefix (the VM id is then unknown).
class DomainCatalog
{
public:
	explicit DomainCatalog(const BackendSettings& settings);

	/// Returns the domain name for a VM id: `<name_prefix><vmId>`.
	std::string domainName(const std::string& vmId) const;

	/// Throws BackendError(InvalidRequest) unless `vmId` is 1 to 64 letters, digits, '-' or '_'.
	void validateVmId(const std::string& vmId) const;

	/// Returns the VM's domain, looked up by `vm.backendId` or, when that is empty, by the name derived from
	/// `vm.vmId`. Returns nothing when no such domain of this backend exists.
	std::optional<ManagedDomain> find(const NodeSession& session, const sdk::VmRef& vm) const;

	/// Returns every domain of this backend on the node. Domains removed while listing are skipped.
	std::vector<ManagedDomain> list(const NodeSession& session) const;

	/// Returns the PCI addresses that running or paused domains hold, each mapped to its holder: the VM id of
	/// this backend's domain (its name when the VM id is unknown), or "libvirt:<name>" for any other domain.
	std::map<std::string, std::string> heldGpus(const NodeSession& session) const;

private:
	std::vector<ManagedDomain> listAll(const NodeSession& session) const;
	std::optional<ManagedDomain> describe(const NodeSession& session, DomainHandle handle) const;
	bool belongsHere(const DomainDescription& description) const;

	const BackendSettings& _settings;
};

} // namespace gpucloud::plugins::libvirt
