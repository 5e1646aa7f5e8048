#pragma once

#include <string>

#include "db/database.h"

namespace gpucloud::testing
{

/// Migrates an empty database up to the migration before usage rows by hour, writes a VM's usage rows the old way
/// (one per minute, two hours and five minutes of them), then applies the remaining migrations. Returns how the rows
/// differ from one row per hour of the VM's life with the minutes' sums, or an empty string when they match.
std::string usageHoursMigrationMismatch(db::Database& database);

} // namespace gpucloud::testing
