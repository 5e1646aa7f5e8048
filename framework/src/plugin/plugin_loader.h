#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>

#include "gpucloud/sdk/hypervisor_backend.h"

namespace gpucloud::plugin
{

/// A plugin that cannot be loaded: missing file, missing symbol, wrong ABI version, or a factory that failed.
/// The message names the backend instance, the library path and the reason.
class PluginLoadError : public std::runtime_error
{
public:
	using std::runtime_error::runtime_error;
};

/// Loads hypervisor plugins with Boost.DLL and creates backend instances from them.
class PluginLoader
{
public:
	/// `pluginDirectory` is where bare plugin names are looked up.
	explicit PluginLoader(std::filesystem::path pluginDirectory);

	/// Maps a plugin reference to a library path: a reference that contains '/' or ends in ".so" is a path
	/// (relative paths are taken from the current directory); any other is a name, looked up as
	/// `<pluginDirectory>/libgpucloud_<name>.so`.
	std::filesystem::path resolve(const std::string& reference) const;

	/// Loads the library, checks its ABI version, and creates the backend through the exported factory.
	/// The returned object keeps the library loaded for as long as it lives and turns any exception that escapes
	/// the plugin into sdk::BackendError. Throws PluginLoadError.
	std::shared_ptr<sdk::HypervisorBackend> load(const std::string& instanceName, const std::string& reference,
		const sdk::ConfigMap& config, sdk::HostServices& host, bool enforceCapabilities = true) const;

	const std::filesystem::path& pluginDirectory() const { return _pluginDirectory; }

	/// Returns the default plugin folder: `<folder of the running program>/../lib/gpucloud/plugins`.
	static std::filesystem::path defaultPluginDirectory();

private:
	std::filesystem::path _pluginDirectory;
};

} // namespace gpucloud::plugin
