#include "config/core_settings.h"

#include <fstream>
#include <set>

#include <Poco/Logger.h>
#include <Poco/String.h>

namespace gpucloud::config
{

namespace
{

const std::vector<std::string> kLogLevels = {"none", "fatal", "critical", "error", "warning", "notice", "information",
	"debug", "trace"};

void checkLevel(const ConfigSection& section, const std::string& key, const std::string& level)
{
	for (const std::string& known : kLogLevels)
	{
		if (level == known)
			return;
	}
	throw ConfigError("Configuration key '" + section.fullKey(key) + "' must be a log level (error, warning, "
		"information, debug, ...), not '" + level + "'");
}

} // namespace

ServerSettings readServerSettings(ConfigSection& section)
{
	ServerSettings settings;
	settings.profile = section.getChoice("profile", settings.profile, {"development", "production"});
	settings.dataDir = section.getString("data_dir", settings.dataDir);
	settings.pluginDir = section.getString("plugin_dir", settings.pluginDir);

	http::HttpServerSettings& http = settings.http;
	http.host = section.getString("host", http.host);
	http.port = static_cast<std::uint16_t>(section.getInt("port", http.port, 0, 65535));
	http.maxBodyBytes = static_cast<std::size_t>(section.getInt("max_body_bytes", static_cast<std::int64_t>(http.maxBodyBytes), 1024, 64 << 20));
	http.minThreads = static_cast<int>(section.getInt("min_threads", http.minThreads, 1, 1024));
	http.maxThreads = static_cast<int>(section.getInt("max_threads", http.maxThreads, 1, 16384));
	if (http.minThreads > http.maxThreads)
		throw ConfigError("Configuration key 'server.min_threads' must not exceed 'server.max_threads'");
	http.maxQueued = static_cast<int>(section.getInt("max_queued", http.maxQueued, 1, 1 << 20));
	http.keepAliveTimeoutSeconds = static_cast<int>(section.getInt("keep_alive_timeout", http.keepAliveTimeoutSeconds, 1, 3600));
	http.maxKeepAliveRequests = static_cast<int>(section.getInt("max_keep_alive_requests", 0, 0, 1 << 30));
	http.tlsCertificateFile = section.getString("tls_certificate_file", "");
	http.tlsPrivateKeyFile = section.getString("tls_private_key_file", "");
	if (http.tlsCertificateFile.empty() != http.tlsPrivateKeyFile.empty())
		throw ConfigError("Configuration keys 'server.tls_certificate_file' and 'server.tls_private_key_file' must be set together");
	settings.shutdownTimeout = section.getSeconds("shutdown_timeout", settings.shutdownTimeout, std::chrono::seconds(0),
		std::chrono::seconds(3600));
	return settings;
}

LoggingSettings readLoggingSettings(ConfigSection& section)
{
	LoggingSettings settings;
	settings.level = Poco::toLower(section.getString("level", settings.level));
	checkLevel(section, "level", settings.level);
	settings.file = section.getString("file", settings.file);
	settings.rotation = section.getString("rotation", settings.rotation);
	settings.pattern = section.getString("pattern", settings.pattern);
	for (auto& [logger, level] : section.takeSubtree("levels"))
	{
		std::string normalized = Poco::toLower(level);
		checkLevel(section, "levels." + logger, normalized);
		settings.loggerLevels[logger] = normalized;
	}
	return settings;
}

DatabaseSettings readDatabaseSettings(ConfigSection& section)
{
	DatabaseSettings settings;
	settings.driver = section.getChoice("driver", settings.driver, {"sqlite", "postgresql"});
	settings.path = section.getString("path", settings.path);
	settings.connection = section.getString("connection", settings.connection);
	if (settings.driver == "postgresql" && settings.connection.empty())
		throw ConfigError("Configuration key 'database.connection' is required when 'database.driver' is postgresql");
	settings.poolMin = static_cast<int>(section.getInt("pool_min", settings.poolMin, 1, 1024));
	settings.poolMax = static_cast<int>(section.getInt("pool_max", settings.poolMax, 1, 1024));
	if (settings.poolMin > settings.poolMax)
		throw ConfigError("Configuration key 'database.pool_min' must not exceed 'database.pool_max'");
	settings.busyTimeout = std::chrono::milliseconds(section.getInt("busy_timeout_ms", settings.busyTimeout.count(), 0, 600000));
	settings.poolWait = std::chrono::milliseconds(section.getInt("pool_wait_ms", settings.poolWait.count(), 0, 600000));
	return settings;
}

std::vector<BackendSettings> readBackendSettings(ConfigSection& backendsSection)
{
	std::vector<BackendSettings> backends;
	for (const std::string& name : backendsSection.subsections())
	{
		BackendSettings backend;
		backend.name = name;
		backend.config = backendsSection.takeSubtree(name);
		auto plugin = backend.config.find("plugin");
		if (plugin == backend.config.end() || plugin->second.empty())
			throw ConfigError("Configuration key 'backends." + name + ".plugin' is required");
		backend.plugin = plugin->second;
		backends.push_back(std::move(backend));
	}
	if (backends.empty())
		throw ConfigError("No hypervisor backend is configured: add a section [backends.<name>] with a 'plugin' key");
	return backends;
}

void rejectDuplicateSections(const std::string& iniPath)
{
	std::ifstream in(iniPath);
	std::set<std::string> seen;
	std::string line;
	int lineNumber = 0;
	while (std::getline(in, line))
	{
		++lineNumber;
		std::string trimmed = Poco::trim(line);
		if (trimmed.size() < 2 || trimmed.front() != '[' || trimmed.back() != ']')
			continue;
		std::string section = Poco::toLower(Poco::trim(trimmed.substr(1, trimmed.size() - 2)));
		if (!seen.insert(section).second)
		{
			std::string what = section.rfind("backends.", 0) == 0 ? "Backend name '" + section.substr(9) + "'"
																  : "Section [" + section + "]";
			throw ConfigError(what + " is declared twice in " + iniPath + " (line " + std::to_string(lineNumber) + ")");
		}
	}
}

} // namespace gpucloud::config
