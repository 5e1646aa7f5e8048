#include "backend_settings.h"

#include <algorithm>
#include <cctype>

#include "config_reader.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

bool isName(const std::string& text)
{
	return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
		return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
	});
}

std::string lowerCase(std::string text)
{
	std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
	return text;
}

bool isPciId(const std::string& text)
{
	return text.size() == 9 && text[4] == ':' && std::all_of(text.begin(), text.end(), [](char c) {
		return c == ':' || std::isxdigit(static_cast<unsigned char>(c));
	});
}

std::string oneOf(ConfigReader& reader, const std::string& key, const std::string& fallback,
	const std::vector<std::string>& allowed)
{
	std::string value = reader.text(key, fallback);
	if (std::find(allowed.begin(), allowed.end(), value) == allowed.end())
	{
		std::string choices;
		for (const auto& choice : allowed)
			choices += (choices.empty() ? "" : ", ") + choice;
		reader.fail(key, "must be one of " + choices + ", but is '" + value + "'");
	}
	return value;
}

void readGpuTypes(ConfigReader& reader, BackendSettings& settings)
{
	for (const auto& code : reader.groups("gpu_type"))
	{
		std::string prefix = "gpu_type." + code + ".";
		if (!isName(code))
			reader.fail(prefix + "model", "has an invalid GPU type code '" + code + "'");
		GpuTypeSettings type;
		type.code = code;
		type.model = reader.requiredText(prefix + "model");
		type.vramMb = static_cast<std::uint64_t>(reader.integer(prefix + "vram_mb", 0, 0, 16 * 1024 * 1024));
		type.pciId = lowerCase(reader.text(prefix + "pci_id", ""));
		if (!type.pciId.empty() && !isPciId(type.pciId))
			reader.fail(prefix + "pci_id", "must have the form vendor:product in hexadecimal, such as 10de:2b85");
		settings.gpuTypes[code] = type;
	}
}

std::vector<ConfiguredGpu> readGpuList(ConfigReader& reader, const BackendSettings& settings, const std::string& key)
{
	std::vector<ConfiguredGpu> gpus;
	for (const auto& item : reader.list(key))
	{
		std::size_t at = item.find('@');
		if (at == std::string::npos)
			reader.fail(key, "item '" + item + "' must have the form <gpu type>@<pci address>");
		ConfiguredGpu gpu;
		gpu.type = item.substr(0, at);
		if (settings.gpuTypes.count(gpu.type) == 0)
			reader.fail(key, "names the GPU type '" + gpu.type + "', which has no gpu_type." + gpu.type + ".model");
		auto address = PciAddress::parse(item.substr(at + 1));
		if (!address)
			reader.fail(key, "item '" + item + "' has an invalid PCI address; expected the form 0000:3b:00.0");
		gpu.address = *address;
		for (const auto& other : gpus)
		{
			if (other.address == gpu.address)
				reader.fail(key, "lists the PCI address " + gpu.address.toString() + " twice");
		}
		gpus.push_back(gpu);
	}
	return gpus;
}

NodeSettings readNode(ConfigReader& reader, const BackendSettings& settings, const std::string& name,
	const std::string& location, const std::string& pool, const std::string& network)
{
	std::string prefix = "node." + name + ".";
	NodeSettings node;
	node.name = name;
	if (!isName(name))
		reader.fail(prefix + "uri", "has an invalid node name '" + name + "'; use letters, digits, '-', '_' and '.'");
	node.uri = reader.requiredText(prefix + "uri");
	if (node.uri.find("://") == std::string::npos)
		reader.fail(prefix + "uri", "must be a libvirt URI such as qemu+ssh://root@host/system, but is '" + node.uri + "'");
	node.location = reader.text(prefix + "location", location);
	node.pool = reader.text(prefix + "pool", pool);
	node.network = reader.text(prefix + "network", network);
	node.cpuModel = reader.text(prefix + "cpu_model", "");
	node.pcieGen = static_cast<std::uint32_t>(reader.integer(prefix + "pcie_gen", 0, 0, 7));
	if (reader.optionalText(prefix + "gpus"))
		node.gpus = readGpuList(reader, settings, prefix + "gpus");
	return node;
}

void readTemplates(ConfigReader& reader, BackendSettings& settings)
{
	for (const auto& id : reader.groups("template"))
	{
		std::string key = "template." + id + ".volume";
		bool numeric = !id.empty() && id.size() <= 15
			&& std::all_of(id.begin(), id.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
		if (!numeric)
			reader.fail(key, "has an invalid template vmid '" + id + "'; use a positive integer");
		settings.templateVolumes[std::stoll(id)] = reader.requiredText(key);
	}
	if (settings.templateVolumes.empty())
		reader.fail("template.<vmid>.volume", "is missing: configure at least one template");
}

void readCloudInit(ConfigReader& reader, BackendSettings& settings)
{
	settings.cloudInitUrl = reader.text("cloud_init_url", "");
	settings.cloudInitSecret = reader.text("cloud_init_secret", "");
	if (settings.cloudInitUrl.empty())
	{
		if (!settings.cloudInitSecret.empty())
			reader.fail("cloud_init_secret", "is set, but cloud_init_url is not");
		return;
	}

	const std::string& url = settings.cloudInitUrl;
	bool http = url.compare(0, 7, "http://") == 0 || url.compare(0, 8, "https://") == 0;
	bool clean = url.find_first_of("; \t") == std::string::npos;
	if (!http || !clean)
		reader.fail("cloud_init_url", "must be an http:// or https:// URL without ';' or blanks");
	if (url.back() != '/')
		settings.cloudInitUrl += '/';
	if (settings.cloudInitSecret.size() < 16)
		reader.fail("cloud_init_secret", "must be at least 16 characters long when cloud_init_url is set");
}

} // namespace

BackendSettings BackendSettings::parse(const std::string& instanceName, const sdk::ConfigMap& config)
{
	ConfigReader reader(instanceName, config);
	BackendSettings settings;
	settings.instanceName = instanceName;
	reader.text("plugin", "");

	readGpuTypes(reader, settings);
	readTemplates(reader, settings);

	std::string location = reader.text("location", "");
	std::string pool = reader.text("pool", "default");
	std::string network = reader.text("network", "default");
	for (const auto& name : reader.groups("node"))
		settings.nodes.push_back(readNode(reader, settings, name, location, pool, network));
	if (settings.nodes.empty())
		reader.fail("node.<name>.uri", "is missing: configure at least one node");

	settings.domainType = oneOf(reader, "domain_type", "kvm", {"kvm", "qemu", "test"});
	settings.machine = reader.text("machine", "q35");
	settings.diskFormat = oneOf(reader, "disk_format", "qcow2", {"qcow2", "raw"});
	settings.diskBus = oneOf(reader, "disk_bus", "virtio", {"virtio", "scsi", "sata"});
	settings.namePrefix = reader.text("name_prefix", "gpucloud-");
	if (!isName(settings.namePrefix))
		reader.fail("name_prefix", "may contain only letters, digits, '-', '_' and '.'");

	std::string ipSource = oneOf(reader, "ip_source", "lease", {"lease", "agent", "arp"});
	settings.ipSource = ipSource == "agent" ? IpSource::Agent : ipSource == "arp" ? IpSource::Arp : IpSource::Lease;

	settings.shutdownTimeout = std::chrono::seconds(reader.integer("shutdown_timeout_s", 300, 0, 86400));
	settings.shutdownPoll = std::chrono::milliseconds(reader.integer("shutdown_poll_ms", 500, 10, 60000));
	settings.reconnectInitial = std::chrono::milliseconds(reader.integer("reconnect_initial_ms", 1000, 0, 3600000));
	settings.reconnectMax = std::chrono::milliseconds(reader.integer("reconnect_max_ms", 60000, 0, 3600000));
	if (settings.reconnectMax < settings.reconnectInitial)
		reader.fail("reconnect_max_ms", "must not be smaller than reconnect_initial_ms");

	readCloudInit(reader, settings);
	reader.rejectUnknownKeys();
	return settings;
}

const NodeSettings* BackendSettings::findNode(const std::string& name) const
{
	for (const auto& node : nodes)
	{
		if (node.name == name)
			return &node;
	}
	return nullptr;
}

} // namespace gpucloud::plugins::libvirt
