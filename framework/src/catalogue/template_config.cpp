#include "catalogue/template_config.h"

#include <algorithm>

#include <Poco/NumberParser.h>

namespace gpucloud::catalogue
{

namespace
{

constexpr std::int64_t kMinStorageGb = 50;
constexpr std::int64_t kMaxStorageGb = 1000000;

const std::vector<std::string>& knownAccessTypes()
{
	static const std::vector<std::string> types = {"ssh", "webui", "jupyter"};
	return types;
}

std::int64_t parseVmid(config::ConfigSection& section, const std::string& name)
{
	Poco::Int64 vmid = 0;
	if (!Poco::NumberParser::tryParse64(name, vmid) || vmid <= 0 || std::to_string(vmid) != name)
	{
		throw config::ConfigError("Configuration section [" + section.fullKey(name)
			+ "] must be named after a positive template vmid, such as [" + section.fullKey("100") + "]");
	}
	return vmid;
}

std::vector<std::string> readAccess(config::ConfigSection& section, const std::string& key)
{
	std::vector<std::string> access = section.getList(key, {"ssh"});
	for (const std::string& type : access)
	{
		const auto& known = knownAccessTypes();
		if (std::find(known.begin(), known.end(), type) == known.end())
			throw config::ConfigError("Configuration key '" + section.fullKey(key) + "' lists unknown access type '" + type + "'; use ssh, webui or jupyter");
	}
	if (std::find(access.begin(), access.end(), "ssh") == access.end())
		throw config::ConfigError("Configuration key '" + section.fullKey(key) + "' must include ssh: every template is reachable over SSH");
	return access;
}

TemplateInfo readTemplate(config::ConfigSection& section, const std::string& name)
{
	TemplateInfo info;
	info.vmid = parseVmid(section, name);
	info.name = section.requireString(name + ".name");
	info.description = section.getString(name + ".description", "");
	info.access = readAccess(section, name + ".access");
	info.minStorageGb = static_cast<std::uint32_t>(section.getInt(name + ".min_storage_gb", kMinStorageGb, kMinStorageGb, kMaxStorageGb));
	return info;
}

} // namespace

std::vector<TemplateInfo> defaultTemplates()
{
	return {
		{100, "Ubuntu 22.04 with NVIDIA drivers", "Ubuntu 22.04 LTS with the NVIDIA driver and CUDA toolkit.", {"ssh"}, 50},
		{101, "Ubuntu 24.04 with NVIDIA drivers", "Ubuntu 24.04 LTS with the NVIDIA driver and CUDA toolkit.", {"ssh"}, 50},
		{102, "Stable Diffusion (A1111)", "AUTOMATIC1111 Stable Diffusion web UI with JupyterLab.", {"ssh", "webui", "jupyter"}, 100},
		{103, "ComfyUI", "ComfyUI node-based diffusion workflows with JupyterLab.", {"ssh", "webui", "jupyter"}, 100},
		{104, "Linux Desktop", "A desktop session in the browser, with JupyterLab.", {"ssh", "webui", "jupyter"}, 80},
	};
}

std::vector<TemplateInfo> readTemplates(config::ConfigSection& section)
{
	std::vector<std::string> names = section.subsections();
	if (names.empty())
		return defaultTemplates();

	std::vector<TemplateInfo> templates;
	for (const std::string& name : names)
		templates.push_back(readTemplate(section, name));
	std::sort(templates.begin(), templates.end(), [](const TemplateInfo& left, const TemplateInfo& right) {
		return left.vmid < right.vmid;
	});
	return templates;
}

} // namespace gpucloud::catalogue
