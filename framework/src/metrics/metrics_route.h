#pragma once

#include <memory>
#include <string>

#include "http/router.h"
#include "metrics/metrics_registry.h"

namespace gpucloud::metrics
{

/// Registers GET /metrics (Prometheus text format). With a non-empty `bearerToken`, a request must carry
/// `Authorization: Bearer <bearerToken>` and gets 401 otherwise; the token is compared in constant time.
void registerMetricsRoute(http::Router& router, std::shared_ptr<MetricsRegistry> registry, std::string bearerToken);

} // namespace gpucloud::metrics
