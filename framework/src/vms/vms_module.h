#pragma once

#include "app/server_context.h"

namespace gpucloud::vms
{

/// Installs the VM module: the SSH key routes, the VM routes and GET /portal/authorize, the job runner and the
/// reconciler, and publishes `context.vmControl`. Installed last, because it uses the inventory, the allocation
/// cache, the templates and the pricing of the catalogue module and, when present, the billing service. Throws
/// std::logic_error when a required service is missing and config::ConfigError for a bad `[vms]` key.
void installVmModule(app::ServerContext& context);

} // namespace gpucloud::vms
