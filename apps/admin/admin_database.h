#pragma once

#include <memory>

#include <Poco/Util/AbstractConfiguration.h>

#include "config/core_settings.h"
#include "db/database.h"

namespace gpucloud::admin
{

/// Opens the database that `configuration` names, as the server does, and applies pending migrations.
std::unique_ptr<db::Database> openMigratedDatabase(const Poco::Util::AbstractConfiguration& configuration,
	config::ServerSettings& serverSettings, int& applied);

} // namespace gpucloud::admin
