#include "vms/vms_module.h"

#include <stdexcept>

#include <Poco/Data/RecordSet.h>

#include "sshkeys/sshkeys_module.h"
#include "vms/job_executor.h"
#include "vms/job_runner.h"
#include "vms/reconciler.h"
#include "vms/vm_routes.h"

namespace gpucloud::vms
{

namespace
{

void require(bool present, const char* service)
{
	if (!present)
		throw std::logic_error(std::string("The VM module needs ") + service
			+ "; install the module that provides it first");
}

/// Adds VMs by status and the reconciler's figures to /metrics.
void addMetrics(app::ServerContext& context, Reconciler& reconciler)
{
	db::Database& database = context.database;
	context.metrics->addCollector([&database, &reconciler](std::string& out) {
		out += "# HELP gpucloud_vms VMs by status.\n# TYPE gpucloud_vms gauge\n";
		try
		{
			Poco::Data::Session session = database.session();
			std::vector<std::string> states;
			std::vector<Poco::Int64> counts;
			session << "SELECT status, COUNT(*) FROM vms GROUP BY status", Poco::Data::Keywords::into(states),
				Poco::Data::Keywords::into(counts), Poco::Data::Keywords::now;
			for (std::size_t i = 0; i < states.size(); ++i)
				out += "gpucloud_vms{status=\"" + metrics::escapeLabel(states[i]) + "\"} " + std::to_string(counts[i])
					+ "\n";
		}
		catch (const std::exception&)
		{
			// The scrape shows the other families; the database problem shows on /readyz.
		}
		ReconcileFigures figures = reconciler.figures();
		out += "# HELP gpucloud_reconciler_unowned_vms Backend VMs that no VM record owns, at the last pass.\n"
			   "# TYPE gpucloud_reconciler_unowned_vms gauge\n"
			   "gpucloud_reconciler_unowned_vms " + std::to_string(figures.unownedVms) + "\n";
		out += "# HELP gpucloud_reconciler_double_allocated_gpus GPUs held by two VMs, at the last pass.\n"
			   "# TYPE gpucloud_reconciler_double_allocated_gpus gauge\n"
			   "gpucloud_reconciler_double_allocated_gpus " + std::to_string(figures.doubleAllocatedGpus) + "\n";
		out += "# HELP gpucloud_reconciler_offline_total VMs the reconciler marked offline.\n"
			   "# TYPE gpucloud_reconciler_offline_total counter\n"
			   "gpucloud_reconciler_offline_total " + std::to_string(figures.vmsMarkedOffline) + "\n";
		out += "# HELP gpucloud_reconciler_power_changes_total Power states changed outside the server.\n"
			   "# TYPE gpucloud_reconciler_power_changes_total counter\n"
			   "gpucloud_reconciler_power_changes_total " + std::to_string(figures.powerChangesRecorded) + "\n";
	});
}

} // namespace

void installVmModule(app::ServerContext& context)
{
	require(context.inventory != nullptr, "the node inventory (context.inventory)");
	require(context.allocations != nullptr, "the allocation cache (context.allocations)");
	require(context.templates != nullptr, "the template catalogue (context.templates)");
	require(context.pricing != nullptr, "the pricing provider (context.pricing)");

	VmSettings settings = readVmSettings(context.section("vms"));
	std::string secret = credentialSecret(settings.credentialsKeyFile,
		context.configuration.getString("auth.jwt_secret", ""), context.configuration.getString("auth.jwt_secret_file", ""),
		context.server.dataDir);

	VmServiceParts parts;
	parts.database = &context.database;
	parts.backends = &context.backends;
	parts.settings = settings;
	parts.inventory = context.inventory;
	parts.allocations = context.allocations;
	parts.templates = context.templates;
	parts.pricing = context.pricing;
	parts.billing = context.billing;
	parts.sshKeys = sshkeys::installSshKeyRoutes(context);
	parts.credentials = std::make_shared<CredentialBox>(secret);
	parts.live = std::make_shared<LiveStatusCache>();
	auto service = std::make_shared<VmService>(parts);

	auto executor = std::make_shared<JobExecutor>(context.database, context.backends, settings, parts.credentials,
		context.allocations);
	auto runner = std::make_unique<JobRunner>(context.database, executor, settings);
	JobRunner* runnerHandle = runner.get();
	service->setJobSignal([runnerHandle] { runnerHandle->signal(); });
	auto reconciler = std::make_unique<Reconciler>(context.database, context.backends, context.inventory,
		context.allocations, parts.live, *service, settings);
	addMetrics(context, *reconciler);

	registerVmRoutes(context.router, service);
	context.vmControl = service;
	context.services.push_back(std::move(runner));
	context.services.push_back(std::move(reconciler));
}

} // namespace gpucloud::vms
