#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "pci_address.h"

namespace gpucloud::plugins::libvirt
{

/// A disk of a domain that is a storage pool volume.
struct VolumeReference
{
	std::string pool;
	std::string volume;
};

/// The parts of a domain's XML description that the plugin reads back.
struct DomainDescription
{
	std::string name;
	std::string vmId;          ///< from the metadata element; empty when the domain has none
	std::string instanceName;  ///< backend instance named in the metadata; empty when none
	std::int64_t templateVmid = 0;
	std::vector<PciAddress> gpus;  ///< PCI hostdev source addresses
	std::vector<VolumeReference> volumes;

	/// Parses the output of virDomainGetXMLDesc. Throws std::invalid_argument when it is not XML.
	static DomainDescription parse(const std::string& xml);
};

} // namespace gpucloud::plugins::libvirt
