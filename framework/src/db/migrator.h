#pragma once

#include <string>
#include <vector>

#include "db/database.h"
#include "db/migrations.h"

namespace gpucloud::db
{

/// Brings the schema to the newest version by applying, in order and each in its own transaction, the migrations
/// that the `schema_migrations` table does not list yet.
///
/// Migration SQL is shared by both engines; these placeholders are replaced per engine:
/// `{{id_pk}}` an auto-incrementing 64-bit primary key, `{{blob}}` a binary column.
/// A statement ends at a line that starts in the first column and ends with a semicolon, so the indented
/// statements inside a trigger or function body stay part of it. A comment line `-- engine: sqlite` or
/// `-- engine: postgresql` starts a section whose statements run on that engine only. `-- engine: any`, which is
/// also how a file starts, runs the statements that follow on both.
class Migrator
{
public:
	explicit Migrator(Database& database, const std::vector<Migration>& migrations = embeddedMigrations());

	/// Applies the pending migrations and returns how many ran. Throws when one fails; that migration is rolled
	/// back and the schema stays at the previous version. Throws std::runtime_error when the database is newer
	/// than every migration this server contains.
	int migrate();

	/// Returns the version the database is at; 0 for an empty database.
	int currentVersion();

	/// Replaces the engine placeholders in `sql` and splits it into statements.
	static std::vector<std::string> statements(const std::string& sql, Dialect dialect);

private:
	void ensureTable();

	Database& _database;
	const std::vector<Migration>& _migrations;
};

} // namespace gpucloud::db
