#pragma once

#include <string>

#include "config/core_settings.h"

namespace gpucloud::testing
{

/// Returns the libpq connection string of the test cluster (GPUCLOUD_TEST_POSTGRES). The executable exits with
/// code 77, which CTest reports as skipped, before any test runs when the variable is not set.
std::string postgresConnection();

/// Returns database settings for the test cluster.
config::DatabaseSettings postgresSettings();

/// Drops every table of the test database, so that each test starts from an empty schema.
void resetPostgres();

} // namespace gpucloud::testing
