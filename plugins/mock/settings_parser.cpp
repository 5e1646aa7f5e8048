#include "settings_parser.h"

#include <set>

#include "config_reader.h"
#include "default_inventory.h"
#include "gpucloud/sdk/errors.h"

namespace gpucloud::plugins::mock
{

namespace
{

constexpr std::uint32_t kMaxGpusPerNode = 256;

const sdk::Capability kCapabilities[] = {sdk::Capability::GpuPassthrough, sdk::Capability::DiskResize,
	sdk::Capability::OnlineDiskResize, sdk::Capability::GuestIpReporting, sdk::Capability::Metrics,
	sdk::Capability::GracefulShutdown, sdk::Capability::CloudInit, sdk::Capability::Reboot};

std::uint32_t allCapabilities()
{
	std::uint32_t all = 0;
	for (sdk::Capability capability : kCapabilities)
		all |= static_cast<std::uint32_t>(capability);
	return all;
}

std::uint32_t parseCapabilities(ConfigReader& reader)
{
	const std::string key = "capabilities";
	std::vector<std::string> names = reader.getList(key, {"all"});
	std::uint32_t capabilities = 0;
	for (const std::string& name : names)
	{
		if (name == "all")
		{
			capabilities |= allCapabilities();
			continue;
		}
		bool known = false;
		for (sdk::Capability capability : kCapabilities)
		{
			if (name == sdk::capabilityName(capability))
			{
				capabilities |= static_cast<std::uint32_t>(capability);
				known = true;
			}
		}
		if (!known)
			reader.fail(key, "unknown capability '" + name + "'");
	}
	return capabilities;
}

std::uint32_t getSmall(ConfigReader& reader, const std::string& key, std::uint32_t fallback, std::uint32_t min,
	std::uint32_t max)
{
	std::uint64_t value = reader.getUnsigned(key, fallback);
	if (value < min || value > max)
		reader.fail(key, std::to_string(value) + " is outside " + std::to_string(min) + ".." + std::to_string(max));
	return static_cast<std::uint32_t>(value);
}

// Reads "100-104, 110" into {100, 101, 102, 103, 104, 110}.
std::vector<std::int64_t> parseTemplates(ConfigReader& reader, const std::string& key,
	const std::vector<std::int64_t>& fallback)
{
	if (!reader.has(key))
		return fallback;
	std::vector<std::int64_t> vmids;
	for (const std::string& item : splitList(reader.take(key), ','))
	{
		std::size_t dash = item.find('-');
		std::uint64_t first = 0;
		std::uint64_t last = 0;
		bool valid = dash == std::string::npos ? parseUnsigned(item, first) && parseUnsigned(item, last)
											   : parseUnsigned(trim(item.substr(0, dash)), first)
				&& parseUnsigned(trim(item.substr(dash + 1)), last);
		if (!valid || first == 0 || last < first || last - first > 10000 || last > 999999999)
			reader.fail(key, "'" + item + "' is not a template VMID or a range such as 100-104");
		for (std::uint64_t vmid = first; vmid <= last; ++vmid)
			vmids.push_back(static_cast<std::int64_t>(vmid));
	}
	return vmids;
}

// Reads "5090:4, 4090:2".
std::vector<GpuGroupSettings> parseGpuGroups(ConfigReader& reader, const std::string& key,
	const std::map<std::string, GpuTypeSettings>& types, const std::vector<GpuGroupSettings>& fallback)
{
	if (!reader.has(key))
		return fallback;
	std::vector<GpuGroupSettings> groups;
	std::uint64_t total = 0;
	for (const std::string& item : splitList(reader.take(key), ','))
	{
		std::size_t colon = item.find(':');
		std::uint64_t count = 0;
		if (colon == std::string::npos || !parseUnsigned(trim(item.substr(colon + 1)), count) || count == 0)
			reader.fail(key, "'" + item + "' is not a GPU type code and count such as 5090:4");
		std::string type = trim(item.substr(0, colon));
		if (types.count(type) == 0)
			reader.fail(key, "unknown GPU type '" + type + "'; define it with gpu." + type + ".model and gpu." + type
					+ ".vram_mb");
		total += count;
		if (total > kMaxGpusPerNode)
			reader.fail(key, "more than " + std::to_string(kMaxGpusPerNode) + " GPUs on one node");
		groups.push_back({type, static_cast<std::uint32_t>(count)});
	}
	return groups;
}

std::map<std::string, GpuTypeSettings> parseGpuTypes(ConfigReader& reader)
{
	std::map<std::string, GpuTypeSettings> types = defaultGpuTypes();
	std::set<std::string> codes;
	for (const std::string& key : reader.keysWithPrefix("gpu."))
	{
		std::size_t dot = key.find('.', 4);
		if (dot != std::string::npos && dot > 4)
			codes.insert(key.substr(4, dot - 4));
	}
	for (const std::string& code : codes)
	{
		std::string prefix = "gpu." + code + ".";
		bool known = types.count(code) != 0;
		if (!known && (!reader.has(prefix + "model") || !reader.has(prefix + "vram_mb")))
			reader.fail(prefix + (reader.has(prefix + "model") ? "vram_mb" : "model"),
				"missing; a new GPU type needs both " + prefix + "model and " + prefix + "vram_mb");
		GpuTypeSettings& type = types[code];
		type.code = code;
		type.model = reader.getString(prefix + "model", type.model);
		type.vramMb = reader.getUnsigned(prefix + "vram_mb", type.vramMb);
		if (type.model.empty())
			reader.fail(prefix + "model", "the model name is empty");
		if (type.vramMb == 0)
			reader.fail(prefix + "vram_mb", "the VRAM size must be at least 1 MB");
	}
	return types;
}

NodeSettings parseNode(ConfigReader& reader, const std::string& name,
	const std::map<std::string, GpuTypeSettings>& types)
{
	NodeSettings node = baseNodeSettings(name);
	std::string prefix = "node." + name + ".";

	std::string status = reader.getString(prefix + "status", "online");
	if (status != "online" && status != "offline")
		reader.fail(prefix + "status", "'" + status + "' is neither 'online' nor 'offline'");
	node.online = status == "online";
	std::string reason = reader.getString(prefix + "status_reason", "");
	node.statusReason = node.online ? "" : (reason.empty() ? "configured offline" : reason);

	node.location = reader.getString(prefix + "location", node.location);
	node.cpuModel = reader.getString(prefix + "cpu_model", node.cpuModel);
	node.cpuCores = getSmall(reader, prefix + "cpu_cores", node.cpuCores, 1, 65536);
	node.ramMb = reader.getUnsigned(prefix + "ram_mb", node.ramMb);
	node.storageTotalGb = reader.getUnsigned(prefix + "storage_total_gb", node.storageTotalGb);
	node.storageFreeGb = reader.getUnsigned(prefix + "storage_free_gb",
		std::min(node.storageFreeGb, node.storageTotalGb));
	node.pcieGen = getSmall(reader, prefix + "pcie_gen", node.pcieGen, 1, 7);
	node.templateVmids = parseTemplates(reader, prefix + "templates", node.templateVmids);
	node.gpus = parseGpuGroups(reader, prefix + "gpus", types, node.gpus);

	if (node.ramMb == 0)
		reader.fail(prefix + "ram_mb", "the RAM size must be at least 1 MB");
	if (node.storageFreeGb > node.storageTotalGb)
		reader.fail(prefix + "storage_free_gb", "free storage " + std::to_string(node.storageFreeGb)
				+ " GB exceeds the total of " + std::to_string(node.storageTotalGb) + " GB");
	return node;
}

std::vector<NodeSettings> parseNodes(ConfigReader& reader, const std::map<std::string, GpuTypeSettings>& types)
{
	std::vector<std::string> names = reader.getList("nodes", defaultNodeNames());
	if (names.empty())
		reader.fail("nodes", "the list is empty; name at least one node");
	std::set<std::string> seen;
	std::vector<NodeSettings> nodes;
	for (const std::string& name : names)
	{
		if (name.find_first_of(". \t") != std::string::npos)
			reader.fail("nodes", "node name '" + name + "' contains a dot or a blank");
		if (!seen.insert(name).second)
			reader.fail("nodes", "node '" + name + "' is listed twice");
		nodes.push_back(parseNode(reader, name, types));
	}
	return nodes;
}

void parseOperationKeys(ConfigReader& reader, MockSettings& settings)
{
	for (Operation operation : kAllOperations)
	{
		std::string delayKey = std::string("delay_ms.") + operationKey(operation);
		settings.delays[operationIndex(operation)] = std::chrono::milliseconds(reader.getUnsigned(delayKey, 0));

		std::string faultKey = std::string("fault.") + operationKey(operation);
		if (!reader.has(faultKey))
			continue;
		std::vector<FaultRule> rules;
		try
		{
			rules = parseFaultRules(reader.take(faultKey));
		}
		catch (const FaultSyntaxError& error)
		{
			reader.fail(faultKey, error.what());
		}
		for (const FaultRule& rule : rules)
		{
			if (rule.action == FaultAction::Lose && !targetsVm(operation))
				reader.fail(faultKey, std::string("'lose' needs a call that addresses one VM, and ")
						+ operationMethod(operation) + " does not");
		}
		settings.faults[operationIndex(operation)] = std::move(rules);
	}
}

} // namespace

MockSettings parseSettings(const std::string& instanceName, const sdk::ConfigMap& config)
{
	ConfigReader reader(instanceName, config);
	MockSettings settings;
	settings.stateFile = reader.getString("state_file", "");
	settings.capabilities = parseCapabilities(reader);
	settings.hangTimeout = std::chrono::milliseconds(reader.getUnsigned("hang_timeout_ms", 30000));
	settings.gpuTypes = parseGpuTypes(reader);
	settings.nodes = parseNodes(reader, settings.gpuTypes);
	parseOperationKeys(reader, settings);
	reader.rejectUnknownKeys();
	return settings;
}

} // namespace gpucloud::plugins::mock
