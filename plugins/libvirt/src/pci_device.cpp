#include "pci_device.h"

#include <cctype>
#include <cstdlib>

#include "xml_document.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

constexpr const char* kNvidiaVendorId = "10de";
constexpr unsigned kVgaControllerClass = 0x0300;
constexpr unsigned k3dControllerClass = 0x0302;

/// Returns the hexadecimal digits of "0x10DE" as "10de".
std::string hexId(std::string text)
{
	if (text.size() > 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X'))
		text = text.substr(2);
	for (auto& c : text)
		c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
	return text;
}

/// Maps a PCIe link speed in GT/s, as libvirt reports it, to the PCIe generation.
unsigned generationOf(const std::string& speed)
{
	double gigatransfers = std::strtod(speed.c_str(), nullptr);
	const double speeds[] = {2.5, 5, 8, 16, 32, 64};
	for (unsigned i = 0; i < 6; ++i)
	{
		if (gigatransfers > 0 && gigatransfers <= speeds[i] + 0.01)
			return i + 1;
	}
	return 0;
}

} // namespace

std::optional<PciDevice> PciDevice::parse(const std::string& xml)
{
	XmlDocument document(xml);
	const std::string capability = "/device/capability[@type='pci']";
	if (document.count(capability) == 0)
		return std::nullopt;

	PciDevice device;
	auto number = [&](const std::string& element) {
		return static_cast<unsigned>(std::strtoul(document.text("string(" + capability + "/" + element + ")").c_str(),
			nullptr, 0));
	};
	device.address = PciAddress{number("domain"), number("bus"), number("slot"), number("function")};
	device.vendorId = hexId(document.text("string(" + capability + "/vendor/@id)"));
	device.productId = hexId(document.text("string(" + capability + "/product/@id)"));
	device.productName = document.text("string(" + capability + "/product)");
	device.deviceClass = number("class");
	device.pcieGen = generationOf(document.text("string(" + capability + "/pci-express/link[@validity='cap']/@speed)"));
	return device;
}

bool PciDevice::isNvidiaGpu() const
{
	unsigned classCode = deviceClass >> 8;
	return vendorId == kNvidiaVendorId && (classCode == kVgaControllerClass || classCode == k3dControllerClass);
}

} // namespace gpucloud::plugins::libvirt
