#pragma once

#include <cstdint>
#include <memory>
#include <optional>

#include <Poco/AutoPtr.h>
#include <Poco/Util/AbstractConfiguration.h>

#include "app/server_context.h"
#include "db/database.h"
#include "http/http_server.h"
#include "plugin/backend_registry.h"

namespace gpucloud::server
{

/// The composition root: builds every part of the server from a configuration and runs it. The executable and the
/// integration tests both use it, so tests exercise the same wiring as production.
class ServerCore
{
public:
	/// Reads and validates the configuration; nothing is opened yet. Throws config::ConfigError.
	explicit ServerCore(Poco::AutoPtr<Poco::Util::AbstractConfiguration> configuration,
		std::optional<std::uint16_t> portOverride = std::nullopt);
	~ServerCore();

	ServerCore(const ServerCore&) = delete;
	ServerCore& operator=(const ServerCore&) = delete;

	/// Opens the database, applies migrations, loads the backends, installs the modules, starts the background
	/// services and then the HTTP listener. Throws on any failure, after undoing what had started.
	void start();

	/// Stops accepting connections, finishes in-flight requests (up to server.shutdown_timeout), stops the
	/// background services, unloads the backends and closes the database. Safe to call twice.
	void stop();

	std::uint16_t port() const;
	const config::ServerSettings& settings() const { return _settings; }
	app::ServerContext& context() { return *_context; }

private:
	void loadBackends();
	void installModules();
	void checkUnknownKeys();

	Poco::AutoPtr<Poco::Util::AbstractConfiguration> _configuration;
	config::ServerSettings _settings;
	std::unique_ptr<db::Database> _database;
	plugin::BackendRegistry _backends;
	http::Router _router;
	std::unique_ptr<app::ServerContext> _context;
	std::unique_ptr<http::HttpServer> _http;
	std::size_t _startedServices = 0;
	bool _running = false;
};

/// Loads an INI configuration file after checking it for duplicate sections. Throws config::ConfigError.
Poco::AutoPtr<Poco::Util::AbstractConfiguration> loadConfigurationFile(const std::string& path);

} // namespace gpucloud::server
