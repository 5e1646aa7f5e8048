#include "kit_options.h"

#include <filesystem>
#include <stdexcept>
#include <vector>

#include <Poco/AutoPtr.h>
#include <Poco/Exception.h>
#include <Poco/Util/IniFileConfiguration.h>

#include "plugin/plugin_loader.h"

namespace gpucloud::conformance
{

namespace
{

using Configuration = Poco::AutoPtr<Poco::Util::AbstractConfiguration>;

/// Collects every key below `prefix` (dotted) into `config`, keys relative to the prefix.
void collect(const Poco::Util::AbstractConfiguration& ini, const std::string& prefix, const std::string& relative,
	sdk::ConfigMap& config)
{
	Poco::Util::AbstractConfiguration::Keys keys;
	ini.keys(prefix, keys);
	for (const auto& key : keys)
	{
		std::string path = prefix + "." + key;
		std::string name = relative.empty() ? key : relative + "." + key;
		if (ini.has(path))
			config[name] = ini.getRawString(path);
		collect(ini, path, name, config);
	}
}

std::string chooseInstance(const Poco::Util::AbstractConfiguration& ini, const std::string& requested,
	const std::string& file)
{
	Poco::Util::AbstractConfiguration::Keys sections;
	ini.keys("backends", sections);
	if (!requested.empty())
	{
		Poco::Util::AbstractConfiguration::Keys keys;
		ini.keys("backends." + requested, keys);
		if (keys.empty())
			throw std::invalid_argument(file + " has no section [backends." + requested + "]");
		return requested;
	}
	if (sections.size() != 1)
	{
		throw std::invalid_argument(file + " has " + std::to_string(sections.size())
			+ " [backends.NAME] sections; choose one with --backend NAME");
	}
	return sections.front();
}

} // namespace

std::string KitOptions::usage()
{
	return "Usage: gpucloud-conformance --plugin PATH_OR_NAME --config FILE.ini [--backend NAME]\n"
		   "                            [--plugin-dir DIR] [--test NAME] [--verbose]\n"
		   "\n"
		   "Checks a gpucloud hypervisor plugin against the SDK contract.\n"
		   "  --plugin      the plugin library (a path, or a name such as 'libvirt' looked up in --plugin-dir)\n"
		   "  --config      an INI file; the section [backends.NAME] is the backend's configuration, and an\n"
		   "                optional section [conformance] sets disk_gb, the disk size of test VMs (default 10)\n"
		   "  --backend     which [backends.NAME] section to use; needed only when the file has several\n"
		   "  --plugin-dir  where plugin names are looked up (default: ../lib/gpucloud/plugins next to this program)\n"
		   "  --test        run one suite or test only, such as GpuTest or GpuTest::freeAfterStop\n"
		   "  --verbose     print what the plugin logs\n"
		   "Exit status: 0 when every check passes, 1 when one fails, 2 for a usage error.\n";
}

KitOptions KitOptions::parse(int argc, char** argv)
{
	KitOptions options;
	options.pluginDirectory = plugin::PluginLoader::defaultPluginDirectory().string();
	std::string backend;
	std::vector<std::string> arguments(argv + 1, argv + argc);
	for (std::size_t i = 0; i < arguments.size(); ++i)
	{
		const std::string& argument = arguments[i];
		auto value = [&]() -> std::string {
			if (i + 1 >= arguments.size())
				throw std::invalid_argument("option " + argument + " needs a value");
			return arguments[++i];
		};
		if (argument == "--plugin")
			options.plugin = value();
		else if (argument == "--config")
			options.configFile = value();
		else if (argument == "--backend")
			backend = value();
		else if (argument == "--plugin-dir")
			options.pluginDirectory = value();
		else if (argument == "--test")
			options.testName = value();
		else if (argument == "--verbose")
			options.verbose = true;
		else
			throw std::invalid_argument("unknown argument '" + argument + "'");
	}
	if (options.plugin.empty() || options.configFile.empty())
		throw std::invalid_argument("--plugin and --config are required");
	if (!std::filesystem::exists(options.configFile))
		throw std::invalid_argument("configuration file '" + options.configFile + "' does not exist");

	Configuration ini;
	try
	{
		ini = new Poco::Util::IniFileConfiguration(options.configFile);
	}
	catch (const Poco::Exception& error)
	{
		throw std::invalid_argument("cannot read '" + options.configFile + "': " + error.displayText());
	}
	options.instanceName = chooseInstance(*ini, backend, options.configFile);
	collect(*ini, "backends." + options.instanceName, "", options.config);
	options.diskGb = static_cast<std::uint64_t>(ini->getUInt64("conformance.disk_gb", 10));
	return options;
}

} // namespace gpucloud::conformance
