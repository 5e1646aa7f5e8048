#include "vms/vm_settings.h"

namespace gpucloud::vms
{

namespace
{

std::chrono::seconds seconds(config::ConfigSection& section, const std::string& key, std::chrono::seconds fallback,
	std::int64_t max = 30 * 24 * 3600)
{
	return section.getSeconds(key, fallback, std::chrono::seconds(1), std::chrono::seconds(max));
}

} // namespace

VmSettings readVmSettings(config::ConfigSection& section)
{
	VmSettings settings;
	settings.jobWorkers = static_cast<int>(section.getInt("job_workers", settings.jobWorkers, 1, 256));
	settings.jobPollInterval = std::chrono::milliseconds(
		section.getInt("job_poll_interval_ms", settings.jobPollInterval.count(), 10, 60000));
	settings.jobLease = seconds(section, "job_lease", settings.jobLease, 3600);
	settings.backoff.base = seconds(section, "job_retry_base", settings.backoff.base, 3600);
	settings.backoff.max = seconds(section, "job_retry_max", settings.backoff.max, 86400);
	settings.backoff.maxAttempts = static_cast<int>(
		section.getInt("job_max_attempts", settings.backoff.maxAttempts, 1, 1000));
	settings.createTimeout = seconds(section, "create_timeout", settings.createTimeout);
	settings.actionTimeout = seconds(section, "action_timeout", settings.actionTimeout);
	settings.destroyTimeout = seconds(section, "destroy_timeout", settings.destroyTimeout);
	settings.ipTimeout = seconds(section, "ip_timeout", settings.ipTimeout);
	settings.statusPollInterval = seconds(section, "status_poll_interval", settings.statusPollInterval, 3600);
	settings.stopGracePeriod = seconds(section, "stop_grace_period", settings.stopGracePeriod, 3600);
	settings.reconcileInterval = std::chrono::milliseconds(
		section.getInt("reconcile_interval_ms", settings.reconcileInterval.count(), 50, 3600000));
	settings.offlineGrace = seconds(section, "offline_grace", settings.offlineGrace);
	settings.idempotencyTtl = seconds(section, "idempotency_ttl", settings.idempotencyTtl);
	settings.allocationAttempts = static_cast<int>(
		section.getInt("allocation_attempts", settings.allocationAttempts, 1, 100));
	settings.sshUser = section.getString("ssh_user", settings.sshUser);
	settings.portalUrlPattern = section.getString("portal_url_pattern", "");
	settings.credentialsKeyFile = section.getString("credentials_key_file", "");
	if (settings.backoff.max < settings.backoff.base)
		throw config::ConfigError("Configuration key '" + section.fullKey("job_retry_max")
			+ "' must not be below vms.job_retry_base");
	if (settings.sshUser.empty())
		throw config::ConfigError("Configuration key '" + section.fullKey("ssh_user") + "' must not be empty");
	return settings;
}

} // namespace gpucloud::vms
