#include <iostream>

#include "admin_command.h"
#include "admin_database.h"
#include "db/migrator.h"

namespace gpucloud::admin
{

AdminCommand migrateCommand()
{
	AdminCommand command;
	command.usage = "";
	command.summary = "Apply pending database migrations and print the schema version.";
	command.run = [](const std::vector<std::string>& arguments, Poco::AutoPtr<Poco::Util::AbstractConfiguration> configuration) {
		if (!arguments.empty())
			throw UsageError("migrate takes no arguments");
		config::ServerSettings server;
		int applied = 0;
		std::unique_ptr<db::Database> database = openMigratedDatabase(*configuration, server, applied);
		std::cout << "Database " << database->description() << " is at schema version "
				  << db::Migrator(*database).currentVersion() << " (" << applied << " migrations applied now)\n";
		return 0;
	};
	return command;
}

} // namespace gpucloud::admin
