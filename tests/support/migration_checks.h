#pragma once

#include <string>

#include "db/database.h"

namespace gpucloud::testing
{

/// Migrates an empty database up to the migration before usage rows by hour, writes a VM's usage rows the old way
/// (one per minute, two hours and five minutes of them), then applies the remaining migrations. Returns how the rows
/// differ from one row per hour of the VM's life with the minutes' sums, or an empty string when they match.
std::string usageHoursMigrationMismatch(db::Database& database);

/// Migrates an empty database up to the migration before vms.status_changed_at, writes VMs with status history out
/// of time order, applies the remaining migrations and writes more history. Returns how status_changed_at differs
/// from the latest changed_at of each VM after each step, or an empty string when it matches.
std::string statusChangedAtMismatch(db::Database& database);

} // namespace gpucloud::testing
