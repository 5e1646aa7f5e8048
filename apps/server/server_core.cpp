#include "server_core.h"

#include <filesystem>
#include <set>

#include <Poco/Logger.h>
#include <Poco/Util/IniFileConfiguration.h>

#include "accounts/accounts_module.h"
#include "auth/local_auth_provider.h"
#include "billing/billing_module.h"
#include "billing/billing_store_factories.h"
#include "catalogue/catalogue_module.h"
#include "cloudinit/cloud_init_module.h"
#include "config/config_error.h"
#include "db/migrator.h"
#include "health/health_monitor.h"
#include "http/dispatcher.h"
#include "metrics/metrics_route.h"
#include "plugin/plugin_loader.h"
#include "pricing/static_pricing_provider.h"
#include "ratelimit/memory_rate_limiter.h"
#include "vms/vms_module.h"

namespace gpucloud::server
{

namespace
{

Poco::Logger& logger()
{
	static Poco::Logger& instance = Poco::Logger::get("gpucloud.server");
	return instance;
}

providers::RateLimitSettings readRateLimitSettings(config::ConfigSection& section)
{
	providers::RateLimitSettings settings;
	settings.enabled = section.getBool("enabled", settings.enabled);
	settings.loginPerMinute = static_cast<std::uint32_t>(section.getInt("login_per_minute", settings.loginPerMinute, 1, 100000000));
	settings.loginAccountPerMinute = static_cast<std::uint32_t>(
		section.getInt("login_account_per_minute", settings.loginAccountPerMinute, 1, 100000000));
	settings.authPerMinute = static_cast<std::uint32_t>(section.getInt("auth_per_minute", settings.authPerMinute, 1, 100000000));
	settings.readPerMinute = static_cast<std::uint32_t>(section.getInt("read_per_minute", settings.readPerMinute, 1, 100000000));
	settings.vmPerMinute = static_cast<std::uint32_t>(section.getInt("vm_per_minute", settings.vmPerMinute, 1, 100000000));
	return settings;
}

/// Sections that the server or one of its modules reads. Checked before anything starts, so that a misspelt
/// section name stops start-up at once; the keys inside each section are checked when its module reads it.
const std::set<std::string> kKnownSections = {"auth", "backends", "billing", "catalogue", "cloud_init", "database",
	"health", "logging", "metrics", "pricing", "rate_limits", "server", "templates", "vms"};

void rejectUnknownSections(const Poco::Util::AbstractConfiguration& configuration)
{
	Poco::Util::AbstractConfiguration::Keys topLevel;
	configuration.keys(topLevel);
	for (const std::string& name : topLevel)
	{
		if (kKnownSections.count(name) == 0)
			throw config::ConfigError("Unknown configuration section [" + name + "]");
	}
}

} // namespace

Poco::AutoPtr<Poco::Util::AbstractConfiguration> loadConfigurationFile(const std::string& path)
{
	if (!std::filesystem::exists(path))
		throw config::ConfigError("Configuration file '" + path + "' does not exist");
	config::rejectDuplicateSections(path);
	try
	{
		return new Poco::Util::IniFileConfiguration(path);
	}
	catch (const Poco::Exception& error)
	{
		throw config::ConfigError("Configuration file '" + path + "' cannot be read: " + error.displayText());
	}
}

ServerCore::ServerCore(Poco::AutoPtr<Poco::Util::AbstractConfiguration> configuration,
	std::optional<std::uint16_t> portOverride)
	: _configuration(std::move(configuration))
{
	rejectUnknownSections(*_configuration);
	config::ConfigSection serverSection(*_configuration, "server");
	_settings = config::readServerSettings(serverSection);
	serverSection.finish();
	if (portOverride)
		_settings.http.port = *portOverride;
}

ServerCore::~ServerCore()
{
	stop();
}

void ServerCore::start()
{
	try
	{
		std::filesystem::create_directories(_settings.dataDir);

		config::ConfigSection databaseSection(*_configuration, "database");
		config::DatabaseSettings databaseSettings = config::readDatabaseSettings(databaseSection);
		databaseSection.finish();

		_database = std::make_unique<db::Database>(databaseSettings, _settings.dataDir);
		_context = std::make_unique<app::ServerContext>(*_configuration, *_database, _backends, _router);
		_context->server = _settings;
		_context->section("server").acceptSubtree("");
		_context->section("database").acceptSubtree("");
		_context->section("logging").acceptSubtree("");

		int applied = db::Migrator(*_database).migrate();
		logger().information("Database %s is at the newest schema (%d migrations applied now)",
			_database->description(), applied);

		loadBackends();
		installModules();
		checkUnknownKeys();

		for (auto& service : _context->services)
		{
			service->start();
			++_startedServices;
		}

		auto dispatcher = std::make_shared<http::Dispatcher>(_router, _context->authenticator, _context->rateLimiter,
			_context->metrics);
		_http = std::make_unique<http::HttpServer>(_settings.http, dispatcher);
		_http->start();
		_running = true;
		logger().information("Listening on %s://%s:%hu (profile %s)", std::string(_settings.http.tlsEnabled() ? "https" : "http"),
			_settings.http.host, _http->port(),
			_settings.profile);
	}
	catch (...)
	{
		stop();
		throw;
	}
}

void ServerCore::loadBackends()
{
	config::ConfigSection& backendsSection = _context->section("backends");
	std::vector<config::BackendSettings> backends = config::readBackendSettings(backendsSection);
	plugin::PluginLoader loader(_settings.pluginDir.empty() ? plugin::PluginLoader::defaultPluginDirectory()
															: std::filesystem::path(_settings.pluginDir));

	for (const config::BackendSettings& backend : backends)
	{
		auto instance = std::make_unique<plugin::BackendInstance>();
		instance->name = backend.name;
		instance->libraryPath = loader.resolve(backend.plugin).string();
		instance->host = std::make_unique<plugin::PluginHost>(backend.name);
		instance->backend = loader.load(backend.name, backend.plugin, backend.config, *instance->host);
		instance->info = instance->backend->info();
		logger().information("Loaded backend '%s': plugin %s %s (ABI %u) from %s", backend.name, instance->info.name,
			instance->info.version, instance->info.abiVersion, instance->libraryPath);
		_backends.add(std::move(instance));
	}
}

void ServerCore::installModules()
{
	app::ServerContext& context = *_context;

	context.rateLimiter = std::make_shared<providers::MemoryRateLimiter>(readRateLimitSettings(context.section("rate_limits")));
	accounts::installAccountsModule(context, providers::auth::createLocalAuthProvider);
	catalogue::installCatalogueModule(context, providers::createPricingProvider);
	billing::installBillingModule(context, providers::billingStoreFactories());
	cloudinit::installCloudInitModule(context);

	config::ConfigSection& healthSection = context.section("health");
	auto interval = std::chrono::milliseconds(healthSection.getInt("check_interval_ms", 5000, 100, 3600000));
	auto monitor = std::make_unique<health::HealthMonitor>(context, interval);
	health::registerHealthRoutes(_router, *monitor);
	context.services.push_back(std::move(monitor));

	config::ConfigSection& metricsSection = context.section("metrics");
	metrics::registerMetricsRoute(_router, context.metrics, metricsSection.getString("bearer_token", ""));

	vms::installVmModule(context);
}

void ServerCore::checkUnknownKeys()
{
	for (const auto& section : _context->sections)
		section->finish();
}

void ServerCore::stop()
{
	if (_http)
	{
		_http->stop(static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(_settings.shutdownTimeout).count()));
		_http.reset();
	}
	if (_context)
	{
		while (_startedServices > 0)
		{
			--_startedServices;
			_context->services[_startedServices]->stop();
		}
		_context->services.clear();
	}
	_backends.clear();
	_context.reset();
	if (_database)
	{
		_database->close();
		_database.reset();
	}
	if (_running)
		logger().information("Server stopped");
	_running = false;
}

std::uint16_t ServerCore::port() const
{
	return _http ? _http->port() : 0;
}

} // namespace gpucloud::server
