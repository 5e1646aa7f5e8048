#include "postgres_fixture.h"

#include <cstdlib>
#include <iostream>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>

using namespace Poco::Data::Keywords;

namespace gpucloud::testing
{

namespace
{

/// Runs before main(): without a test cluster there is nothing to test.
struct SkipWithoutPostgres
{
	SkipWithoutPostgres()
	{
		const char* connection = std::getenv("GPUCLOUD_TEST_POSTGRES");
		if (connection == nullptr || *connection == '\0')
		{
			std::cout << "skipped: GPUCLOUD_TEST_POSTGRES is not set (scripts/test.sh starts a test cluster)" << std::endl;
			std::exit(77);
		}
	}
};

const SkipWithoutPostgres skipWithoutPostgres;

} // namespace

std::string postgresConnection()
{
	return std::getenv("GPUCLOUD_TEST_POSTGRES");
}

config::DatabaseSettings postgresSettings()
{
	config::DatabaseSettings settings;
	settings.driver = "postgresql";
	settings.connection = postgresConnection();
	settings.poolMax = 8;
	return settings;
}

void resetPostgres()
{
	Poco::Data::PostgreSQL::Connector::registerConnector();
	Poco::Data::Session session("PostgreSQL", postgresConnection());
	session << "SET client_min_messages = warning", now;
	session << "DROP SCHEMA public CASCADE", now;
	session << "CREATE SCHEMA public", now;
}

} // namespace gpucloud::testing
