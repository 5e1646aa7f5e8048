#include "gpu_inventory.h"

#include <algorithm>
#include <set>

#include "api_error.h"
#include "json_fields.h"
#include "request_builder.h"
#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

MappedDevice parseMappingEntry(const std::string& mapping, const std::string& entry)
{
	MappedDevice device;
	device.mapping = mapping;
	for (const std::string& part : splitList(entry, ','))
	{
		std::size_t equals = part.find('=');
		if (equals == std::string::npos)
			continue;
		std::string key = part.substr(0, equals);
		std::string value = part.substr(equals + 1);
		if (key == "node")
			device.node = value;
		else if (key == "path")
			device.path = value;
		else if (key == "id")
			device.deviceId = value;
	}
	return device;
}

GpuInventory::GpuInventory(const ProxmoxContext& context, VmLocator& locator) : _context(context), _locator(locator)
{
}

bool GpuInventory::usesMapping(const std::string& mapping) const
{
	const auto& configured = _context.settings.gpuMappings;
	return configured.empty() || std::find(configured.begin(), configured.end(), mapping) != configured.end();
}

std::vector<MappedDevice> GpuInventory::mappedDevices()
{
	Poco::JSON::Array::Ptr mappings = asArray(_context.api.get("/cluster/mapping/pci"));
	std::vector<MappedDevice> devices;
	for (std::size_t i = 0; i < mappings->size(); ++i)
	{
		Poco::JSON::Object::Ptr mapping = mappings->getObject(i);
		std::string id = stringField(mapping, "id");
		if (id.empty() || !usesMapping(id))
			continue;
		Poco::JSON::Array::Ptr entries = mapping ? mapping->getArray("map") : nullptr;
		std::map<std::string, int> perNode;
		std::size_t first = devices.size();
		for (std::size_t j = 0; entries && j < entries->size(); ++j)
		{
			MappedDevice device = parseMappingEntry(id, entries->getElement<std::string>(j));
			if (device.node.empty() || device.path.empty() || !_locator.managesNode(device.node))
				continue;
			++perNode[device.node];
			devices.push_back(device);
		}
		// A mapping with one device on a node is addressed by its name, a pool by name and PCI path.
		// NOTE: in a pool, Proxmox starts a VM with the first free device, which may not be the one whose address the
		// server chose; only the number of devices in use is exact. One mapping per GPU avoids that.
		for (std::size_t j = first; j < devices.size(); ++j)
		{
			MappedDevice& device = devices[j];
			device.address = perNode[device.node] == 1 ? id : id + "/" + device.path;
		}
	}
	return devices;
}

std::vector<std::string> GpuInventory::gpuAddresses(const std::string& node)
{
	std::vector<std::string> addresses;
	for (const MappedDevice& device : mappedDevices())
	{
		if (device.node == node)
			addresses.push_back(device.address);
	}
	return addresses;
}

std::map<std::string, std::string> GpuInventory::pciDeviceNames(const std::string& node)
{
	std::map<std::string, std::string> names;
	try
	{
		Poco::JSON::Array::Ptr devices = asArray(_context.api.get("/nodes/" + node + "/hardware/pci"));
		for (std::size_t i = 0; i < devices->size(); ++i)
		{
			Poco::JSON::Object::Ptr device = devices->getObject(i);
			names[stringField(device, "id")] = stringField(device, "device_name");
		}
	}
	catch (const ApiError& error)
	{
		// The PCI listing needs Sys.Audit, and an offline node cannot respond. The GPUs then keep their configured
		// names.
		if (error.status() != 403 && error.kind() != sdk::ErrorKind::Unavailable)
			throw;
	}
	return names;
}

void GpuInventory::requireFree(const std::string& node, const std::vector<std::string>& addresses, std::int64_t vmid,
	const std::vector<LocatedVm>& runningVms)
{
	if (addresses.empty())
		return;
	std::vector<LocatedVm> others;
	for (const LocatedVm& vm : runningVms)
	{
		if (vm.node == node && vm.vmid != vmid)
			others.push_back(vm);
	}
	for (const sdk::GpuDevice& gpu : nodeGpus(node, mappedDevices(), others))
	{
		if (gpu.assignedVmId.empty() || std::find(addresses.begin(), addresses.end(), gpu.address) == addresses.end())
			continue;
		throw sdk::BackendError(sdk::ErrorKind::CapacityExhausted, "GPU '" + gpu.address + "' on node '" + node
				+ "' is held by the running VM '" + gpu.assignedVmId + "'", std::chrono::seconds(30));
	}
}

void GpuInventory::requireKnown(const std::string& node, const std::vector<std::string>& addresses,
	const std::string& vmId)
{
	if (addresses.empty())
		return;
	std::vector<std::string> known = gpuAddresses(node);
	for (const std::string& address : addresses)
	{
		if (std::find(known.begin(), known.end(), address) == known.end())
		{
			throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "VM '" + vmId + "': GPU '" + address
					+ "' is not a PCI mapping device of node '" + node + "' (key "
					+ _context.settings.fullKey("gpu_mappings") + ")");
		}
	}
}

std::vector<std::string> GpuInventory::vmGpuAddresses(const LocatedVm& vm)
{
	if (!vm.metadata.gpuAddresses.empty())
		return vm.metadata.gpuAddresses;
	std::vector<std::string> mappings;
	for (int index = 0; index < 16; ++index)
	{
		std::string mapping = parseHostpciMapping(stringField(vm.config, "hostpci" + std::to_string(index)));
		if (!mapping.empty())
			mappings.push_back(mapping);
	}
	return mappings;
}

std::vector<sdk::GpuDevice> GpuInventory::nodeGpus(const std::string& node, const std::vector<MappedDevice>& devices,
	const std::vector<LocatedVm>& runningVms)
{
	std::map<std::string, std::string> names = pciDeviceNames(node);
	std::vector<sdk::GpuDevice> gpus;
	for (const MappedDevice& device : devices)
	{
		if (device.node != node)
			continue;
		sdk::GpuDevice gpu;
		gpu.address = device.address;
		auto configured = _context.settings.gpuTypes.find(device.mapping);
		std::string firstPath = device.path.substr(0, device.path.find(';'));
		gpu.model = names.count(firstPath) ? names[firstPath] : device.deviceId;
		gpu.type = device.mapping;
		if (configured != _context.settings.gpuTypes.end())
		{
			gpu.type = configured->second.type.empty() ? gpu.type : configured->second.type;
			gpu.model = configured->second.model.empty() ? gpu.model : configured->second.model;
			gpu.vramMb = configured->second.vramMb;
		}
		gpus.push_back(gpu);
	}

	// First the exact addresses recorded by this plugin, then the devices of foreign VMs that only name a mapping.
	std::vector<std::pair<std::string, std::string>> unplaced;  // mapping, server VM id
	for (const LocatedVm& vm : runningVms)
	{
		for (const std::string& address : vmGpuAddresses(vm))
		{
			auto match = std::find_if(gpus.begin(), gpus.end(), [&](const sdk::GpuDevice& gpu) {
				return gpu.address == address && gpu.assignedVmId.empty();
			});
			if (match != gpus.end() && !vm.metadata.vmId.empty())
				match->assignedVmId = vm.metadata.vmId;
			else
				unplaced.emplace_back(mappingOfAddress(address),
					vm.metadata.vmId.empty() ? "proxmox:" + std::to_string(vm.vmid) : vm.metadata.vmId);
		}
	}
	for (const auto& [mapping, owner] : unplaced)
	{
		for (std::size_t i = 0; i < gpus.size(); ++i)
		{
			if (gpus[i].assignedVmId.empty() && mappingOfAddress(gpus[i].address) == mapping)
			{
				gpus[i].assignedVmId = owner;
				break;
			}
		}
	}
	return gpus;
}

} // namespace gpucloud::plugins::proxmox
