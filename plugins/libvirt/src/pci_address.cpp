#include "pci_address.h"

#include <cctype>
#include <cstdio>
#include <vector>

namespace gpucloud::plugins::libvirt
{

namespace
{

std::optional<unsigned> parseHex(const std::string& text, std::size_t maxDigits, unsigned maxValue)
{
	if (text.empty() || text.size() > maxDigits)
		return std::nullopt;
	unsigned value = 0;
	for (char c : text)
	{
		if (!std::isxdigit(static_cast<unsigned char>(c)))
			return std::nullopt;
		value = value * 16 + static_cast<unsigned>(std::isdigit(static_cast<unsigned char>(c))
			? c - '0' : std::tolower(static_cast<unsigned char>(c)) - 'a' + 10);
	}
	if (value > maxValue)
		return std::nullopt;
	return value;
}

} // namespace

std::optional<PciAddress> PciAddress::parse(const std::string& text)
{
	std::size_t dot = text.rfind('.');
	if (dot == std::string::npos)
		return std::nullopt;

	std::vector<std::string> parts;
	std::size_t start = 0;
	for (std::size_t colon = text.find(':'); colon != std::string::npos && colon < dot; colon = text.find(':', start))
	{
		parts.push_back(text.substr(start, colon - start));
		start = colon + 1;
	}
	parts.push_back(text.substr(start, dot - start));
	if (parts.size() == 2)
		parts.insert(parts.begin(), "0000");
	if (parts.size() != 3)
		return std::nullopt;

	auto domain = parseHex(parts[0], 4, 0xffff);
	auto bus = parseHex(parts[1], 2, 0xff);
	auto slot = parseHex(parts[2], 2, 0x1f);
	auto function = parseHex(text.substr(dot + 1), 1, 7);
	if (!domain || !bus || !slot || !function)
		return std::nullopt;
	return PciAddress{*domain, *bus, *slot, *function};
}

std::string PciAddress::toString() const
{
	char buffer[16];
	std::snprintf(buffer, sizeof buffer, "%04x:%02x:%02x.%x", domain, bus, slot, function);
	return buffer;
}

} // namespace gpucloud::plugins::libvirt
