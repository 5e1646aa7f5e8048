#pragma once

#include <string>

#include "db/database.h"

namespace gpucloud::testing
{

/// Inserts, updates and deletes VMs of two users in a migrated database. Returns how the vm_status_counts table,
/// which triggers keep, differs from counting the vms table, or an empty string when they agree after every step.
std::string vmStatusCountsMismatch(db::Database& database);

} // namespace gpucloud::testing
