#pragma once

#include <memory>

#include "catalogue/backend_inventory.h"
#include "db/database.h"
#include "http/router.h"

namespace gpucloud::catalogue
{

/// Services that the node administration routes use.
struct NodeAdminServices
{
	db::Database* database = nullptr;
	std::shared_ptr<BackendInventory> inventory;
	std::shared_ptr<AllocationCache> allocations;
};

/// Registers, for administrators: GET /admin/nodes (every node of every backend with its GPUs, allocations and
/// status), PATCH /admin/nodes/{node} {schedulable} (drain a node or return it to service) and
/// POST /admin/inventory/refresh (read every backend now). Changes are written to the audit log.
void registerAdminNodeRoutes(http::Router& router, const NodeAdminServices& services);

} // namespace gpucloud::catalogue
