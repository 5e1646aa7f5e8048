#pragma once

#include <optional>
#include <string>

namespace gpucloud::plugins::libvirt
{

/// A PCI address in the form the SDK uses for GPUs: "0000:3b:00.0" (domain:bus:slot.function, hexadecimal).
struct PciAddress
{
	unsigned domain = 0;
	unsigned bus = 0;
	unsigned slot = 0;
	unsigned function = 0;

	/// Parses "dddd:bb:ss.f" (the domain may be omitted: "bb:ss.f"). Returns nothing when the text is not a PCI
	/// address or a part is out of range.
	static std::optional<PciAddress> parse(const std::string& text);

	/// Returns the canonical lower-case form "0000:3b:00.0".
	std::string toString() const;

	bool operator==(const PciAddress& other) const
	{
		return domain == other.domain && bus == other.bus && slot == other.slot && function == other.function;
	}
};

} // namespace gpucloud::plugins::libvirt
