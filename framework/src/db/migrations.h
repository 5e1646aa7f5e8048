#pragma once

#include <string>
#include <vector>

namespace gpucloud::db
{

/// One schema step: the SQL that brings the database from version-1 to `version`.
struct Migration
{
	int version;
	std::string name;
	std::string sql;
};

/// Returns the migrations compiled from framework/migrations/*.sql, ordered by version.
const std::vector<Migration>& embeddedMigrations();

} // namespace gpucloud::db
