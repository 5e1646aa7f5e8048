#include "node_inventory.h"

#include "xml_document.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

constexpr std::uint64_t kGiB = 1024ull * 1024 * 1024;

/// Returns the first non-empty value of `expression` in the XML `text`; empty when the text is missing or not XML.
std::string firstValue(const char* text, const std::string& expression)
{
	if (text == nullptr)
		return "";
	try
	{
		return XmlDocument(text).text(expression);
	}
	catch (const std::invalid_argument&)
	{
		return "";
	}
}

} // namespace

NodeInventory::NodeInventory(const BackendSettings& settings, const DomainCatalog& catalog, const VolumeStore& volumes,
	const GpuInventory& gpus)
	: _settings(settings), _catalog(catalog), _volumes(volumes), _gpus(gpus)
{
}

sdk::NodeInfo NodeInventory::describe(Node& node) const
{
	sdk::NodeInfo info;
	info.name = node.name();
	info.location = node.settings().location;
	try
	{
		NodeSession session(node, "");
		readHost(session, info);
		readStorage(session, info);
		readGpus(session, info);
	}
	catch (const sdk::BackendError& error)
	{
		sdk::NodeInfo offline;
		offline.name = info.name;
		offline.location = info.location;
		offline.status = sdk::NodeStatus::Offline;
		offline.statusReason = error.what();
		return offline;
	}
	return info;
}

std::string NodeInventory::readCpuModel(const NodeSession& session, const virNodeInfo& nodeInfo) const
{
	if (!session.node().settings().cpuModel.empty())
		return session.node().settings().cpuModel;

	// virConnectGetSysinfo and the capabilities are optional sources: a driver without them falls through.
	CString sysinfo(virConnectGetSysinfo(session.connection(), 0));
	std::string model = firstValue(sysinfo.get(), "string(/sysinfo/processor/entry[@name='version'])");
	if (model.empty())
	{
		CString capabilities(virConnectGetCapabilities(session.connection()));
		model = firstValue(capabilities.get(), "string(/capabilities/host/cpu/model)");
	}
	return model.empty() ? nodeInfo.model : model;
}

void NodeInventory::readHost(const NodeSession& session, sdk::NodeInfo& info) const
{
	virNodeInfo nodeInfo;
	if (virNodeGetInfo(session.connection(), &nodeInfo) < 0)
		session.fail("virNodeGetInfo");
	info.cpuCores = nodeInfo.cpus;
	info.ramMb = nodeInfo.memory / 1024;
	info.cpuModel = readCpuModel(session, nodeInfo);
}

void NodeInventory::readStorage(const NodeSession& session, sdk::NodeInfo& info) const
{
	PoolHandle pool = _volumes.openPool(session);
	virStoragePoolInfo poolInfo;
	if (virStoragePoolGetInfo(pool.get(), &poolInfo) < 0)
		session.fail("virStoragePoolGetInfo(" + session.node().settings().pool + ")");
	info.storageTotalGb = poolInfo.capacity / kGiB;
	info.storageFreeGb = poolInfo.available / kGiB;

	for (const auto& [vmid, volume] : _settings.templateVolumes)
	{
		if (_volumes.find(session, pool.get(), volume))
			info.templateVmids.push_back(vmid);
	}
}

void NodeInventory::readGpus(const NodeSession& session, sdk::NodeInfo& info) const
{
	NodeGpus gpus = _gpus.list(session);
	auto held = _catalog.heldGpus(session);
	for (auto& gpu : gpus.gpus)
	{
		auto holder = held.find(gpu.address);
		if (holder != held.end())
			gpu.assignedVmId = holder->second;
	}
	info.gpus = std::move(gpus.gpus);
	info.pcieGen = session.node().settings().pcieGen != 0 ? session.node().settings().pcieGen : gpus.pcieGen;
}

} // namespace gpucloud::plugins::libvirt
