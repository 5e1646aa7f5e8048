#pragma once

#include <map>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"
#include "proxmox_context.h"
#include "vm_locator.h"

namespace gpucloud::plugins::proxmox
{

/// One device of a cluster PCI mapping on one node.
struct MappedDevice
{
	std::string mapping;
	std::string node;
	std::string path;      ///< PCI address, such as 0000:41:00.0 (several joined by ';' for multi-function)
	std::string deviceId;  ///< vendor:device, such as 10de:2235
	std::string address;   ///< the GpuDevice address: the mapping name, or mapping/path in a pool
};

/// The GPUs of the cluster: cluster PCI mappings (GET /cluster/mapping/pci), named from the node's PCI listing, and
/// which running VM holds which device. Proxmox assigns a mapped device when a VM starts, so only running VMs hold
/// GPUs.
class GpuInventory
{
public:
	GpuInventory(const ProxmoxContext& context, VmLocator& locator);

	/// Returns the devices of the mappings this backend uses, on every node.
	std::vector<MappedDevice> mappedDevices();

	/// Returns the GPU addresses of one node.
	std::vector<std::string> gpuAddresses(const std::string& node);

	/// Returns the GPUs of one node with model names and assignments. `runningVms` maps each running VM on the node
	/// to the GPU addresses recorded in its description and the mapping names in its hostpciN options.
	std::vector<sdk::GpuDevice> nodeGpus(const std::string& node, const std::vector<MappedDevice>& devices,
		const std::vector<LocatedVm>& runningVms);

	/// Throws sdk::BackendError(CapacityExhausted) naming the GPU when one of `addresses` on `node` is held by a
	/// running VM other than `vmid` (0: any running VM). `runningVms` are the running VMs of the cluster.
	void requireFree(const std::string& node, const std::vector<std::string>& addresses, std::int64_t vmid,
		const std::vector<LocatedVm>& runningVms);

	/// Throws sdk::BackendError(InvalidRequest) when one of `addresses` is not a GPU of `node`.
	void requireKnown(const std::string& node, const std::vector<std::string>& addresses, const std::string& vmId);

	/// Returns the GPU addresses that `vm` uses, from its description or else from its hostpciN mappings.
	static std::vector<std::string> vmGpuAddresses(const LocatedVm& vm);

private:
	bool usesMapping(const std::string& mapping) const;
	std::map<std::string, std::string> pciDeviceNames(const std::string& node);

	const ProxmoxContext& _context;
	VmLocator& _locator;
};

/// Parses one `map` entry of a PCI mapping: "node=pve1,path=0000:41:00.0,id=10de:2235,iommugroup=42".
MappedDevice parseMappingEntry(const std::string& mapping, const std::string& entry);

} // namespace gpucloud::plugins::proxmox
