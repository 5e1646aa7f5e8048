#pragma once

#include <optional>
#include <string>

#include "pci_address.h"

namespace gpucloud::plugins::libvirt
{

/// The parts of a libvirt PCI node device description that GPU discovery needs.
struct PciDevice
{
	PciAddress address;
	std::string vendorId;     ///< "10de", lower case without 0x
	std::string productId;    ///< "2b85"
	std::string productName;  ///< "GB202 [GeForce RTX 5090]"; may be empty
	unsigned deviceClass = 0; ///< 0x030000; 0 when libvirt does not report the class
	unsigned pcieGen = 0;     ///< generation of the link capability (speed 2.5 -> 1 ... 64 -> 6); 0 when unknown

	/// Parses the output of virNodeDeviceGetXMLDesc. Returns nothing for a device without a PCI capability.
	/// Throws std::invalid_argument when the text is not XML.
	static std::optional<PciDevice> parse(const std::string& xml);

	/// Returns true for an NVIDIA (vendor 10de) VGA or 3D controller (class 0x0300xx or 0x0302xx). The audio and
	/// USB functions of the same card have other classes and are not GPUs.
	bool isNvidiaGpu() const;
};

} // namespace gpucloud::plugins::libvirt
