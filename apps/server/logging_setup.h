#pragma once

#include "config/core_settings.h"

namespace gpucloud::server
{

/// Sends every logger to the channel `settings` describes (standard error or a rotated file) with its pattern, in
/// UTC, and sets the levels.
void configureLogging(const config::LoggingSettings& settings);

} // namespace gpucloud::server
