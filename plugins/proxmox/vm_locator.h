#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "gpucloud/sdk/types.h"
#include "proxmox_context.h"
#include "vm_metadata.h"

namespace gpucloud::plugins::proxmox
{

/// A VM found on the cluster, with the configuration read to find it.
struct LocatedVm
{
	std::string node;
	std::int64_t vmid = 0;
	Poco::JSON::Object::Ptr config;
	VmMetadata metadata;
};

/// One VM entry of GET /cluster/resources?type=vm.
struct VmResource
{
	std::string node;
	std::int64_t vmid = 0;
	std::string name;
	std::string status;
	std::string tags;
	bool isTemplate = false;
};

/// Finds VMs by the backend id (the Proxmox vmid) or by the server's VM id recorded in the description.
class VmLocator
{
public:
	explicit VmLocator(const ProxmoxContext& context);

	/// Finds the VM of `ref`: by backendId on ref.node first, then anywhere in the cluster, then by ref.vmId.
	/// A VM whose recorded server id differs from a non-empty ref.vmId belongs to another owner and is not returned.
	std::optional<LocatedVm> find(const sdk::VmRef& ref);

	/// Finds the VM whose description records `vmId`.
	std::optional<LocatedVm> findByVmId(const std::string& vmId);

	/// Reads the configuration of a VM; returns nothing when the VM does not exist on `node`.
	std::optional<LocatedVm> read(const std::string& node, std::int64_t vmid);

	/// Returns the VMs of the configured nodes, templates included.
	std::vector<VmResource> listResources();

	/// Returns true when `node` is one this backend manages.
	bool managesNode(const std::string& node) const;

private:
	const ProxmoxContext& _context;
};

} // namespace gpucloud::plugins::proxmox
