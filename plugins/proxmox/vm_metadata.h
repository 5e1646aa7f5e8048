#pragma once

#include <string>
#include <vector>

namespace gpucloud::plugins::proxmox
{

/// Tag that marks the VMs this plugin created, so that lookups read only their configuration.
constexpr const char* kManagedTag = "gpucloud";

/// Data the plugin records in a VM's description: the server's VM id and the GPU addresses it was given. The
/// description is set by the clone call itself, so even a VM whose create was interrupted right after the clone can
/// be found again by its server id.
struct VmMetadata
{
	std::string vmId;
	std::vector<std::string> gpuAddresses;
};

std::string buildDescription(const VmMetadata& metadata);

/// Reads the lines written by buildDescription(); other text in the description is ignored.
VmMetadata parseDescription(const std::string& description);

/// Returns true when `tags` (Proxmox separates them with ';', ',' or spaces) contains kManagedTag.
bool hasManagedTag(const std::string& tags);

} // namespace gpucloud::plugins::proxmox
