#pragma once

#include "app/server_context.h"

namespace gpucloud::cloudinit
{

/// Installs the cloud-init seed service: reads `[cloud_init]`, publishes `context.cloudInit` and registers
/// GET /cloud-init/{vm_id}/{token}/meta-data, user-data and vendor-data. Without `cloud_init.secret` the routes
/// return 404 for every VM, so no seed is served without the token check.
void installCloudInitModule(app::ServerContext& context);

} // namespace gpucloud::cloudinit
