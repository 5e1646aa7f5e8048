#include "plugin/plugin_loader.h"

#include <boost/dll/runtime_symbol_info.hpp>
#include <boost/dll/shared_library.hpp>

#include "plugin/guarded_backend.h"

namespace gpucloud::plugin
{

namespace
{

using Factory = sdk::HypervisorBackend*(const sdk::BackendContext&);

std::string describe(const std::string& instanceName, const std::filesystem::path& path)
{
	return "Backend '" + instanceName + "': plugin '" + path.string() + "'";
}

} // namespace

PluginLoader::PluginLoader(std::filesystem::path pluginDirectory) : _pluginDirectory(std::move(pluginDirectory))
{
}

std::filesystem::path PluginLoader::defaultPluginDirectory()
{
	std::filesystem::path program = boost::dll::program_location();
	return (program.parent_path() / ".." / "lib" / "gpucloud" / "plugins").lexically_normal();
}

std::filesystem::path PluginLoader::resolve(const std::string& reference) const
{
	bool isPath = reference.find('/') != std::string::npos
		|| (reference.size() > 3 && reference.compare(reference.size() - 3, 3, ".so") == 0);
	if (isPath)
		return std::filesystem::absolute(reference).lexically_normal();
	return std::filesystem::absolute(_pluginDirectory / ("libgpucloud_" + reference + ".so")).lexically_normal();
}

std::shared_ptr<sdk::HypervisorBackend> PluginLoader::load(const std::string& instanceName, const std::string& reference,
	const sdk::ConfigMap& config, sdk::HostServices& host, bool enforceCapabilities) const
{
	if (reference.empty())
		throw PluginLoadError("Backend '" + instanceName + "': key 'backends." + instanceName + ".plugin' is missing");

	std::filesystem::path path = resolve(reference);
	if (!std::filesystem::exists(path))
		throw PluginLoadError(describe(instanceName, path) + " does not exist");

	auto library = std::make_shared<boost::dll::shared_library>();
	try
	{
		// RTLD_NOW reports unresolved symbols now, at start-up, and not at the first call into the plugin.
		library->load(path, boost::dll::load_mode::rtld_now | boost::dll::load_mode::rtld_local);
	}
	catch (const std::exception& error)
	{
		throw PluginLoadError(describe(instanceName, path) + " cannot be loaded: " + error.what());
	}

	if (!library->has(GPUCLOUD_PLUGIN_ABI_SYMBOL))
		throw PluginLoadError(describe(instanceName, path) + " does not export the symbol '" GPUCLOUD_PLUGIN_ABI_SYMBOL
			"'; it is not a gpucloud plugin");
	std::uint32_t abiVersion = library->get<const std::uint32_t>(GPUCLOUD_PLUGIN_ABI_SYMBOL);
	if (abiVersion != sdk::kAbiVersion)
	{
		throw PluginLoadError(describe(instanceName, path) + " was built for plugin ABI version "
			+ std::to_string(abiVersion) + ", but this server requires version " + std::to_string(sdk::kAbiVersion)
			+ "; rebuild the plugin against this server's SDK headers");
	}
	if (!library->has(GPUCLOUD_PLUGIN_FACTORY_SYMBOL))
		throw PluginLoadError(describe(instanceName, path) + " does not export the symbol '" GPUCLOUD_PLUGIN_FACTORY_SYMBOL "'");

	Factory& factory = library->get<Factory>(GPUCLOUD_PLUGIN_FACTORY_SYMBOL);
	sdk::BackendContext context{instanceName, config, &host};
	std::unique_ptr<sdk::HypervisorBackend> backend;
	try
	{
		backend.reset(factory(context));
	}
	catch (const std::exception& error)
	{
		throw PluginLoadError(describe(instanceName, path) + " failed to create the backend: " + error.what());
	}
	catch (...)
	{
		throw PluginLoadError(describe(instanceName, path) + " failed to create the backend with an exception of unknown type");
	}
	if (!backend)
		throw PluginLoadError(describe(instanceName, path) + " returned no backend");

	try
	{
		return std::make_shared<GuardedBackend>(instanceName, std::move(library), std::move(backend), enforceCapabilities);
	}
	catch (const std::exception& error)
	{
		throw PluginLoadError(describe(instanceName, path) + " failed to report its identity: " + error.what());
	}
}

} // namespace gpucloud::plugin
