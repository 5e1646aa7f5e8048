#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pci_address.h"

namespace gpucloud::plugins::libvirt
{

/// Namespace of the metadata element that ties a domain to the server's VM id.
constexpr const char* kMetadataNamespace = "urn:gpucloud:libvirt:1";

/// Everything the domain XML of one VM is made from.
struct DomainDefinition
{
	std::string name;          ///< libvirt domain name
	std::string title;         ///< shown by virsh list --title; the VM's hostname
	std::string vmId;          ///< the server's VM id, stored in the metadata
	std::string instanceName;  ///< backend instance that created the domain, stored in the metadata
	std::int64_t templateVmid = 0;

	std::string domainType = "kvm";
	std::string machine = "q35";
	std::uint32_t cpuCores = 1;
	std::uint64_t ramMb = 1024;

	std::string pool;    ///< storage pool of the system disk
	std::string volume;  ///< volume name of the system disk
	std::string diskFormat = "qcow2";
	std::string diskBus = "virtio";
	std::string network;

	std::vector<PciAddress> gpus;
	std::string smbiosSerial;  ///< SMBIOS system serial number; empty for none
};

/// Returns the libvirt domain XML for `definition`: q35, host CPU passthrough, the disk as a pool volume, one
/// virtio NIC on the network, one managed PCI hostdev per GPU, a guest agent channel, balloon statistics and the
/// metadata element. A pure function: the same definition always gives the same text.
std::string buildDomainXml(const DomainDefinition& definition);

/// Returns the managed PCI `<hostdev>` element that passes `gpu` through, as buildDomainXml() writes it.
std::string buildHostdevXml(const PciAddress& gpu);

/// Escapes `text` for use in XML element content and attribute values.
std::string escapeXml(const std::string& text);

} // namespace gpucloud::plugins::libvirt
