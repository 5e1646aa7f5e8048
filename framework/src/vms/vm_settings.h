#pragma once

#include <chrono>
#include <string>

#include "config/config_section.h"
#include "vms/job_backoff.h"

namespace gpucloud::vms
{

/// `[vms]`: the job runner, the reconciler and what the VM API shows.
struct VmSettings
{
	int jobWorkers = 4;
	std::chrono::milliseconds jobPollInterval{1000};  ///< how often idle workers look for due jobs
	std::chrono::seconds jobLease{60};                ///< a claim that is not renewed within this expires
	BackoffPolicy backoff;
	std::chrono::seconds createTimeout{1800};   ///< deadline of a create job, IP wait included
	std::chrono::seconds actionTimeout{600};    ///< deadline of start, stop, restart and resize jobs
	std::chrono::seconds destroyTimeout{900};
	std::chrono::seconds ipTimeout{300};        ///< how long a starting VM may take to report an IP address
	std::chrono::seconds statusPollInterval{2}; ///< spacing of getVmStatus() calls while waiting for the IP
	std::chrono::seconds stopGracePeriod{60};   ///< ACPI shutdown time before a forced power-off
	std::chrono::milliseconds reconcileInterval{5000};
	std::chrono::seconds offlineGrace{3600};    ///< an offline VM fails after this long
	std::chrono::seconds idempotencyTtl{86400};
	int allocationAttempts = 3;                 ///< create transactions tried before a GPU race gives 409
	std::string sshUser = "ubuntu";
	std::string portalUrlPattern;  ///< such as https://{vm_id}-{service}.portal.example.com; empty: no URLs
	std::string credentialsKeyFile;
};

/// Reads `[vms]`; raises ConfigError naming the key for a bad value.
VmSettings readVmSettings(config::ConfigSection& section);

} // namespace gpucloud::vms
