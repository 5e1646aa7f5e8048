#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <Poco/Util/AbstractConfiguration.h>

#include "app/background_service.h"
#include "auth/authenticator.h"
#include "billing/billing_service.h"
#include "catalogue/inventory.h"
#include "catalogue/templates.h"
#include "cloudinit/seed_store.h"
#include "config/config_section.h"
#include "config/core_settings.h"
#include "db/database.h"
#include "http/router.h"
#include "metrics/metrics_registry.h"
#include "plugin/backend_registry.h"
#include "pricing/pricing_provider.h"
#include "ratelimit/rate_limiter.h"
#include "vms/vm_control.h"

namespace gpucloud::app
{

/// Result of one readiness check.
struct ComponentHealth
{
	std::string name;
	bool ready = false;
	std::string detail;
};

using HealthCheck = std::function<std::vector<ComponentHealth>()>;

/// Shared state of the server's modules while they are installed: the settings, the database, the backends, the
/// router, and the services one module offers to the next. Modules are installed in dependency order; a field
/// a module provides is set before the modules that use it are installed.
struct ServerContext
{
	ServerContext(const Poco::Util::AbstractConfiguration& configuration, db::Database& database,
		plugin::BackendRegistry& backends, http::Router& router);

	/// Returns the reader of section `name`, created on first use. Every section read this way is checked for
	/// unknown keys once all modules are installed.
	config::ConfigSection& section(const std::string& name);

	const Poco::Util::AbstractConfiguration& configuration;
	config::ServerSettings server;
	db::Database& database;
	plugin::BackendRegistry& backends;
	http::Router& router;

	// Provided by the modules, in installation order: accounts, catalogue, billing, VMs.
	std::shared_ptr<auth::Authenticator> authenticator;
	std::shared_ptr<ratelimit::RateLimiter> rateLimiter;
	std::shared_ptr<catalogue::Inventory> inventory;
	std::shared_ptr<catalogue::AllocationCache> allocations;
	std::shared_ptr<const catalogue::TemplateCatalogue> templates;
	std::shared_ptr<pricing::PricingProvider> pricing;
	std::shared_ptr<billing::BillingService> billing;
	std::shared_ptr<cloudinit::SeedStore> cloudInit;  ///< seeds for guests that fetch cloud-init from this server
	std::shared_ptr<vms::VmControl> vmControl;  ///< set by the VM module; used by background services after start

	std::shared_ptr<metrics::MetricsRegistry> metrics = std::make_shared<metrics::MetricsRegistry>();

	std::vector<std::unique_ptr<BackgroundService>> services;
	std::vector<HealthCheck> healthChecks;

	std::vector<std::unique_ptr<config::ConfigSection>> sections;
};

} // namespace gpucloud::app
