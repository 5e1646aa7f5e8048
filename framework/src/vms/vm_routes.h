#pragma once

#include <memory>

#include "http/router.h"
#include "vms/vm_service.h"

namespace gpucloud::vms
{

/// Registers the /vms routes and GET /portal/authorize. Handlers parse and validate the request, call the service
/// and serialize its result.
void registerVmRoutes(http::Router& router, std::shared_ptr<VmService> service);

/// Returns the hex SHA-256 of the body in a canonical form (keys sorted, no blanks), so that the same JSON with
/// other spacing or key order counts as the same request for Idempotency-Key.
std::string requestHash(const Poco::JSON::Object::Ptr& body);

} // namespace gpucloud::vms
