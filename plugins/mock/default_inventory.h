#pragma once

#include <map>
#include <string>
#include <vector>

#include "mock_settings.h"

namespace gpucloud::plugins::mock
{

/// GPU types known without configuration: RTX 5090, RTX 4090 and RTX PRO 6000.
std::map<std::string, GpuTypeSettings> defaultGpuTypes();

/// Names of the nodes used when `nodes` is not configured: vm01 and vm02.
std::vector<std::string> defaultNodeNames();

/// Returns the starting values for a node called `name`: the built-in vm01 or vm02 when the name is one of
/// those, otherwise a GPU-less generic node. Configuration keys override single fields afterwards.
NodeSettings baseNodeSettings(const std::string& name);

/// Templates 100 to 104, offered by every node unless configured otherwise.
std::vector<std::int64_t> defaultTemplateVmids();

} // namespace gpucloud::plugins::mock
