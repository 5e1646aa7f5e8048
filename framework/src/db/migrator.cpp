#include "db/migrator.h"

#include <stdexcept>

#include <Poco/Logger.h>
#include <Poco/String.h>

using namespace Poco::Data::Keywords;

namespace gpucloud::db
{

namespace
{

/// The comment that starts a section of statements for one engine ("sqlite", "postgresql" or "any").
const char* const kEngineMarker = "-- engine:";

// An arbitrary constant that names the migration lock among PostgreSQL advisory locks.
constexpr long kMigrationLockId = 7301452911;

void replaceAll(std::string& text, const std::string& from, const std::string& to)
{
	for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
		text.replace(at, from.size(), to);
}

} // namespace

Migrator::Migrator(Database& database, const std::vector<Migration>& migrations)
	: _database(database), _migrations(migrations)
{
}

std::vector<std::string> Migrator::statements(const std::string& sql, Dialect dialect)
{
	std::string text = sql;
	replaceAll(text, "{{id_pk}}",
		dialect == Dialect::SQLite ? "INTEGER PRIMARY KEY AUTOINCREMENT" : "BIGSERIAL PRIMARY KEY");
	replaceAll(text, "{{blob}}", dialect == Dialect::SQLite ? "BLOB" : "BYTEA");

	std::vector<std::string> result;
	std::string current;
	bool included = true;  // false inside an "-- engine:" section of the other engine
	std::size_t start = 0;
	while (start < text.size())
	{
		std::size_t end = text.find('\n', start);
		if (end == std::string::npos)
			end = text.size();
		std::string line = Poco::trimRight(text.substr(start, end - start));
		start = end + 1;

		std::string content = Poco::trimLeft(line);
		if (content.rfind(kEngineMarker, 0) == 0)
		{
			std::string engine = Poco::trim(content.substr(std::string(kEngineMarker).size()));
			if (engine != "any" && engine != "sqlite" && engine != "postgresql")
				throw std::runtime_error("Unknown engine '" + engine + "' in migration line: " + content);
			included = engine == "any" || engine == (dialect == Dialect::SQLite ? "sqlite" : "postgresql");
			continue;
		}
		if (!included || content.rfind("--", 0) == 0)
			continue;
		current += line + "\n";
		bool indented = !line.empty() && (line.front() == ' ' || line.front() == '\t');
		if (!indented && !line.empty() && line.back() == ';')
		{
			current = Poco::trim(current);
			current.pop_back();
			result.push_back(current);
			current.clear();
		}
	}
	if (!Poco::trim(current).empty())
		result.push_back(Poco::trim(current));
	return result;
}

void Migrator::ensureTable()
{
	Poco::Data::Session session = _database.session();
	session << "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
			   "applied_at BIGINT NOT NULL)",
		now;
}

int Migrator::currentVersion()
{
	ensureTable();
	Poco::Data::Session session = _database.session();
	Poco::Nullable<int> version;
	session << "SELECT MAX(version) FROM schema_migrations", into(version), now;
	return version.isNull() ? 0 : version.value();
}

int Migrator::migrate()
{
	Poco::Logger& logger = Poco::Logger::get("gpucloud.db");
	ensureTable();

	// Several servers may start at once against one PostgreSQL database; one migrates, the others wait.
	Poco::Data::Session lockSession = _database.session();
	Poco::Int64 lockId = kMigrationLockId;
	if (_database.dialect() == Dialect::PostgreSQL)
		lockSession << "SELECT pg_advisory_lock($1)", use(lockId), now;

	int applied = 0;
	try
	{
		int version = currentVersion();
		int newest = _migrations.empty() ? 0 : _migrations.back().version;
		if (version > newest)
		{
			throw std::runtime_error("The database schema is at version " + std::to_string(version)
				+ ", newer than this server's newest migration " + std::to_string(newest) + "; upgrade the server");
		}

		for (const Migration& migration : _migrations)
		{
			if (migration.version <= version)
				continue;
			_database.transaction([&](Poco::Data::Session& session) {
				for (const std::string& statement : statements(migration.sql, _database.dialect()))
					session << statement, now;
				std::int64_t appliedAt = unixNow();
				int migrationVersion = migration.version;
				std::string name = migration.name;
				session << "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
					use(migrationVersion), use(name), use(appliedAt), now;
			});
			logger.information("Applied database migration %s", migration.name);
			++applied;
		}
	}
	catch (...)
	{
		if (_database.dialect() == Dialect::PostgreSQL)
			lockSession << "SELECT pg_advisory_unlock($1)", use(lockId), now;
		throw;
	}
	if (_database.dialect() == Dialect::PostgreSQL)
		lockSession << "SELECT pg_advisory_unlock($1)", use(lockId), now;
	return applied;
}

} // namespace gpucloud::db
