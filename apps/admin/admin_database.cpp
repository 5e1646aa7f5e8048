#include "admin_database.h"

#include <filesystem>

#include "db/migrator.h"

namespace gpucloud::admin
{

std::unique_ptr<db::Database> openMigratedDatabase(const Poco::Util::AbstractConfiguration& configuration,
	config::ServerSettings& serverSettings, int& applied)
{
	config::ConfigSection serverSection(configuration, "server");
	serverSettings = config::readServerSettings(serverSection);
	config::ConfigSection databaseSection(configuration, "database");
	config::DatabaseSettings databaseSettings = config::readDatabaseSettings(databaseSection);
	databaseSection.finish();

	std::filesystem::create_directories(serverSettings.dataDir);
	auto database = std::make_unique<db::Database>(databaseSettings, serverSettings.dataDir);
	applied = db::Migrator(*database).migrate();
	return database;
}

} // namespace gpucloud::admin
