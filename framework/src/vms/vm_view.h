#pragma once

#include <optional>

#include "catalogue/inventory.h"
#include "catalogue/templates.h"
#include "http/json_writer.h"
#include "vms/live_status_cache.h"
#include "vms/vm_record.h"
#include "vms/vm_settings.h"

namespace gpucloud::vms
{

/// Data the VM object shows besides its own row.
struct VmViewInputs
{
	const catalogue::NodeEntry* node = nullptr;        ///< for cpu_model and pcie_gen; null when unknown
	const catalogue::TemplateInfo* templateInfo = nullptr;  ///< for `access`; null when no longer configured
	std::optional<LiveStatus> live;                    ///< recent backend figures, when there are any
	bool onlineResize = false;                         ///< the backend can grow a running VM's disk
	bool busy = false;                                 ///< a job of the VM is pending
};

/// Writes the API's VM object, `access` and `actions` included. It is written straight as JSON text because
/// `GET /vms/{id}` and `GET /vms` build it on every request.
void renderVm(http::JsonWriter& out, const VmRecord& vm, const VmViewInputs& inputs, const VmSettings& settings);

/// Returns the portal URL of `service` for the VM, or an empty string when no pattern is configured.
std::string portalUrl(const std::string& pattern, const VmRecord& vm, const std::string& service);

} // namespace gpucloud::vms
