#include "vm_locator.h"

#include <algorithm>

#include "api_error.h"
#include "json_fields.h"
#include "request_builder.h"
#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

VmLocator::VmLocator(const ProxmoxContext& context) : _context(context)
{
}

bool VmLocator::managesNode(const std::string& node) const
{
	const auto& nodes = _context.settings.nodes;
	return nodes.empty() || std::find(nodes.begin(), nodes.end(), node) != nodes.end();
}

std::optional<LocatedVm> VmLocator::read(const std::string& node, std::int64_t vmid)
{
	try
	{
		Poco::JSON::Object::Ptr config = asObject(_context.api.get(vmPath(node, vmid, "/config")));
		return LocatedVm{node, vmid, config, parseDescription(stringField(config, "description"))};
	}
	catch (const ApiError& error)
	{
		if (error.isNotFound())
			return std::nullopt;
		throw;
	}
}

std::vector<VmResource> VmLocator::listResources()
{
	Poco::JSON::Array::Ptr entries = asArray(_context.api.get("/cluster/resources", {{"type", "vm"}}));
	std::vector<VmResource> resources;
	for (std::size_t i = 0; i < entries->size(); ++i)
	{
		Poco::JSON::Object::Ptr entry = entries->getObject(i);
		if (!entry || stringField(entry, "type") != "qemu")
			continue;
		VmResource resource;
		resource.node = stringField(entry, "node");
		resource.vmid = intField(entry, "vmid");
		resource.name = stringField(entry, "name");
		resource.status = stringField(entry, "status");
		resource.tags = stringField(entry, "tags");
		resource.isTemplate = intField(entry, "template") == 1;
		if (resource.vmid > 0 && managesNode(resource.node))
			resources.push_back(resource);
	}
	return resources;
}

std::optional<LocatedVm> VmLocator::find(const sdk::VmRef& ref)
{
	long long vmid = 0;
	if (!ref.backendId.empty() && parseInteger(ref.backendId, vmid))
	{
		std::optional<LocatedVm> found = ref.node.empty() ? std::nullopt : read(ref.node, vmid);
		if (!found)
		{
			// The VM may have been migrated to another node.
			for (const VmResource& resource : listResources())
			{
				if (resource.vmid == vmid && resource.node != ref.node)
				{
					found = read(resource.node, vmid);
					break;
				}
			}
		}
		if (found && (ref.vmId.empty() || found->metadata.vmId.empty() || found->metadata.vmId == ref.vmId))
			return found;
		if (found)
			return std::nullopt;
	}
	if (!ref.vmId.empty())
		return findByVmId(ref.vmId);
	return std::nullopt;
}

std::optional<LocatedVm> VmLocator::findByVmId(const std::string& vmId)
{
	for (const VmResource& resource : listResources())
	{
		// Only VMs carrying the plugin's tag, and fresh ones whose name and tags the cluster has not published yet
		// or whose create stopped before the tag was set, can be ours.
		if (resource.isTemplate || (!resource.tags.empty() && !hasManagedTag(resource.tags)))
			continue;
		std::optional<LocatedVm> found = read(resource.node, resource.vmid);
		if (found && found->metadata.vmId == vmId)
			return found;
	}
	return std::nullopt;
}

} // namespace gpucloud::plugins::proxmox
