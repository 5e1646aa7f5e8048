#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"
#include "pci_address.h"

namespace gpucloud::plugins::libvirt
{

/// A GPU type the operator sells: `gpu_type.<code>.*`. Discovered GPUs are matched to it by PCI vendor:product id.
struct GpuTypeSettings
{
	std::string code;   ///< catalogue code, such as "5090"
	std::string model;  ///< marketing name, such as "RTX 5090"
	std::uint64_t vramMb = 0;
	std::string pciId;  ///< "10de:2b85", lower case; empty when the type is only used in static GPU lists
};

/// A GPU listed in configuration instead of being discovered: `node.<name>.gpus = <type>@<pci address>, ...`.
struct ConfiguredGpu
{
	std::string type;
	PciAddress address;
};

/// One hypervisor host: `node.<name>.*`.
struct NodeSettings
{
	std::string name;
	std::string uri;       ///< libvirt connection URI
	std::string location;
	std::string pool;      ///< storage pool that holds the template volumes and the VM disks
	std::string network;   ///< libvirt network the VMs' interface joins
	std::string cpuModel;  ///< overrides the model read from the host; empty to read it
	std::uint32_t pcieGen = 0;  ///< overrides the generation read from the GPUs' PCIe links; 0 to read it
	std::optional<std::vector<ConfiguredGpu>> gpus;  ///< set: use this list; unset: discover NVIDIA PCI devices
};

/// Source of guest IP addresses, passed to virDomainInterfaceAddresses.
enum class IpSource
{
	Lease,  ///< DHCP leases of a libvirt-managed network
	Agent,  ///< the QEMU guest agent inside the VM
	Arp,    ///< the host's ARP table
};

/// Configuration of one libvirt backend instance, read once and validated at start-up.
struct BackendSettings
{
	std::string instanceName;
	std::vector<NodeSettings> nodes;
	std::map<std::int64_t, std::string> templateVolumes;  ///< template vmid -> base volume name in the node's pool
	std::map<std::string, GpuTypeSettings> gpuTypes;      ///< by code

	std::string domainType = "kvm";
	std::string machine = "q35";
	std::string diskFormat = "qcow2";
	std::string diskBus = "virtio";
	std::string namePrefix = "gpucloud-";
	IpSource ipSource = IpSource::Lease;

	std::chrono::seconds shutdownTimeout{300};      ///< upper bound of an ACPI shutdown wait, whatever the caller asks
	std::chrono::milliseconds shutdownPoll{500};    ///< state polling interval while waiting for a shutdown
	std::chrono::milliseconds reconnectInitial{1000};
	std::chrono::milliseconds reconnectMax{60000};

	std::string cloudInitUrl;     ///< base URL of the NoCloud data source; empty: cloud-init delivery is off
	std::string cloudInitSecret;  ///< HMAC key for the per-VM token in that URL; a secret, never logged

	/// Reads and validates `config` (the keys of `backends.<instanceName>.*`). Throws BackendError(InvalidRequest)
	/// naming the full key of the first bad or unknown setting.
	static BackendSettings parse(const std::string& instanceName, const sdk::ConfigMap& config);

	const NodeSettings* findNode(const std::string& name) const;
};

} // namespace gpucloud::plugins::libvirt
