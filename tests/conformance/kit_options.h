#pragma once

#include <cstdint>
#include <string>

#include "gpucloud/sdk/types.h"

namespace gpucloud::conformance
{

/// What the kit tests: one backend instance of one plugin, with its configuration.
struct KitOptions
{
	std::string plugin;        ///< library path, or a plugin name looked up in pluginDirectory
	std::string pluginDirectory;
	std::string configFile;
	std::string instanceName;  ///< the NAME of the [backends.NAME] section
	sdk::ConfigMap config;     ///< that section's keys
	std::uint64_t diskGb = 10; ///< disk size of the VMs the kit creates ([conformance] disk_gb)
	std::string testName;      ///< run only this test or suite; empty for all
	bool verbose = false;      ///< print the plugin's log lines

	/// Parses the command line and reads the configuration file. Throws std::invalid_argument with a message
	/// for the user on a bad argument or file.
	static KitOptions parse(int argc, char** argv);

	/// Returns the usage text.
	static std::string usage();
};

} // namespace gpucloud::conformance
