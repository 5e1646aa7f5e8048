#include "gpu_inventory.h"

#include <algorithm>
#include <cstdlib>

namespace gpucloud::plugins::libvirt
{

GpuInventory::GpuInventory(const BackendSettings& settings) : _settings(settings)
{
}

sdk::GpuDevice GpuInventory::describe(const PciDevice& device, const std::map<std::string, GpuTypeSettings>& types)
{
	sdk::GpuDevice gpu;
	gpu.address = device.address.toString();
	std::string pciId = device.vendorId + ":" + device.productId;
	for (const auto& [code, type] : types)
	{
		if (type.pciId == pciId)
		{
			gpu.type = code;
			gpu.model = type.model;
			gpu.vramMb = type.vramMb;
			return gpu;
		}
	}
	gpu.type = pciId;
	gpu.model = device.productName.empty() ? "NVIDIA " + pciId : device.productName;
	return gpu;
}

NodeGpus GpuInventory::list(const NodeSession& session) const
{
	const auto& configured = session.node().settings().gpus;
	if (!configured)
		return discover(session);

	NodeGpus result;
	for (const auto& entry : *configured)
	{
		const GpuTypeSettings& type = _settings.gpuTypes.at(entry.type);
		sdk::GpuDevice gpu;
		gpu.type = type.code;
		gpu.model = type.model;
		gpu.vramMb = type.vramMb;
		gpu.address = entry.address.toString();
		result.gpus.push_back(gpu);
	}
	return result;
}

NodeGpus GpuInventory::discover(const NodeSession& session) const
{
	virNodeDevicePtr* raw = nullptr;
	int count = virConnectListAllNodeDevices(session.connection(), &raw, VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV);
	if (count < 0)
		session.fail("virConnectListAllNodeDevices");
	std::vector<NodeDeviceHandle> devices;
	for (int i = 0; i < count; ++i)
		devices.emplace_back(raw[i]);
	std::free(raw);

	NodeGpus result;
	for (const auto& device : devices)
	{
		CString xml(virNodeDeviceGetXMLDesc(device.get(), 0));
		if (!xml)
			session.fail(std::string("virNodeDeviceGetXMLDesc(") + virNodeDeviceGetName(device.get()) + ")");
		auto pci = PciDevice::parse(xml.get());
		if (!pci || !pci->isNvidiaGpu())
			continue;
		result.gpus.push_back(describe(*pci, _settings.gpuTypes));
		result.pcieGen = std::max(result.pcieGen, pci->pcieGen);
	}
	std::sort(result.gpus.begin(), result.gpus.end(),
		[](const sdk::GpuDevice& a, const sdk::GpuDevice& b) { return a.address < b.address; });
	return result;
}

} // namespace gpucloud::plugins::libvirt
