#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "config/config_section.h"
#include "http/http_server.h"

namespace gpucloud::config
{

/// `[server]`
struct ServerSettings
{
	std::string profile = "production";  ///< "development" allows a generated JWT secret; anything else does not
	std::string dataDir = "data";        ///< relative to the working directory
	std::string pluginDir;               ///< empty: the default folder next to the executable
	http::HttpServerSettings http;
	std::chrono::seconds shutdownTimeout{10};

	bool isDevelopment() const { return profile == "development"; }
};

/// `[logging]`
struct LoggingSettings
{
	std::string level = "information";
	std::string file;    ///< empty: standard error
	std::string rotation = "50 M";
	std::string pattern = "%Y-%m-%dT%H:%M:%S.%iZ %p %s: %t";
	std::map<std::string, std::string> loggerLevels;  ///< `levels.<logger> = <level>`
};

/// `[database]`
struct DatabaseSettings
{
	std::string driver = "sqlite";  ///< "sqlite" or "postgresql"
	std::string path = "gpucloud.db";  ///< SQLite file, relative to the data folder
	std::string connection;  ///< PostgreSQL libpq connection string
	int poolMin = 1;
	int poolMax = 16;
	std::chrono::milliseconds busyTimeout{5000};
	std::chrono::milliseconds poolWait{5000};  ///< how long a caller waits for a free pooled session
};

/// `[backends.<name>]`: one hypervisor backend instance.
struct BackendSettings
{
	std::string name;
	std::string plugin;  ///< plugin name or library path
	std::map<std::string, std::string> config;  ///< every key of the section, `plugin` included
};

ServerSettings readServerSettings(ConfigSection& section);
LoggingSettings readLoggingSettings(ConfigSection& section);
DatabaseSettings readDatabaseSettings(ConfigSection& section);

/// Reads every `[backends.<name>]` section. Throws ConfigError when there is none or a section lacks `plugin`.
std::vector<BackendSettings> readBackendSettings(ConfigSection& backendsSection);

/// Raises ConfigError when the INI file declares the same section twice (Poco would merge them silently), which
/// for `[backends.<name>]` means a duplicate backend name.
void rejectDuplicateSections(const std::string& iniPath);

} // namespace gpucloud::config
