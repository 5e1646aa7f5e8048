#pragma once

#include <string>
#include <vector>

#include "pci_address.h"

namespace gpucloud::plugins::libvirt
{

/// Returns `domainXml` with its PCI `<hostdev>` elements replaced by one managed hostdev per GPU in `gpus`. The
/// hostdev of a GPU that stays is kept as it is, with the guest address libvirt gave it, so that the guest sees
/// that GPU in the same slot. The others are removed, and the missing ones are appended to `<devices>`. A pure
/// function. Throws std::invalid_argument when `domainXml` is not a libvirt domain description.
std::string replaceGpuHostdevs(const std::string& domainXml, const std::vector<PciAddress>& gpus);

} // namespace gpucloud::plugins::libvirt
