#pragma once

#include <map>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"
#include "backend_settings.h"
#include "node.h"
#include "pci_device.h"

namespace gpucloud::plugins::libvirt
{

/// The GPUs of a node, with their PCIe generation.
struct NodeGpus
{
	std::vector<sdk::GpuDevice> gpus;  ///< assignedVmId is left empty
	unsigned pcieGen = 0;              ///< highest link generation among the GPUs; 0 when unknown
};

/// Lists a node's GPUs: the static list of `node.<name>.gpus` when configured, otherwise the NVIDIA VGA and 3D
/// controllers among the node's PCI devices, typed through the `gpu_type.<code>.pci_id` settings.
class GpuInventory
{
public:
	explicit GpuInventory(const BackendSettings& settings);

	/// Throws BackendError when the node devices cannot be listed.
	NodeGpus list(const NodeSession& session) const;

	/// Returns the GPU for a discovered device. A device whose vendor:product id matches no configured type gets
	/// that id as its type, libvirt's product name as its model, and no VRAM size.
	static sdk::GpuDevice describe(const PciDevice& device, const std::map<std::string, GpuTypeSettings>& types);

private:
	NodeGpus discover(const NodeSession& session) const;

	const BackendSettings& _settings;
};

} // namespace gpucloud::plugins::libvirt
