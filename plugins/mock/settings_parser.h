#pragma once

#include <string>

#include "gpucloud/sdk/types.h"
#include "mock_settings.h"

namespace gpucloud::plugins::mock
{

/// Reads the mock's configuration keys (documented in docs/plugins/mock.md) into typed settings.
/// Throws BackendError(InvalidRequest) naming the full key `backends.<instance>.<key>` for an unknown key or a bad
/// value.
MockSettings parseSettings(const std::string& instanceName, const sdk::ConfigMap& config);

} // namespace gpucloud::plugins::mock
