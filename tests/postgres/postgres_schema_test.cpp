#include <cppunit/extensions/HelperMacros.h>

#include "db/database.h"
#include "db/migrator.h"
#include "postgres_fixture.h"
#include "support/http_client.h"
#include "support/migration_checks.h"
#include "support/vm_status_counts_check.h"
#include "support/test_server.h"

using namespace gpucloud;
using namespace Poco::Data::Keywords;

class PostgresSchemaTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PostgresSchemaTest);
	CPPUNIT_TEST(migrationsApply);
	CPPUNIT_TEST(migrationsIdempotent);
	CPPUNIT_TEST(vmStatusCountsFollowWrites);
	CPPUNIT_TEST(usageRowsMergedIntoHours);
	CPPUNIT_TEST(statusChangedAtFollowsHistory);
	CPPUNIT_TEST(transactionRollsBack);
	CPPUNIT_TEST(serverRunsOnPostgres);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override { testing::resetPostgres(); }

	void migrationsApply()
	{
		db::Database database(testing::postgresSettings(), ".");
		CPPUNIT_ASSERT_EQUAL(static_cast<int>(db::embeddedMigrations().size()), db::Migrator(database).migrate());
		CPPUNIT_ASSERT_EQUAL(db::embeddedMigrations().back().version, db::Migrator(database).currentVersion());
	}

	void migrationsIdempotent()
	{
		db::Database database(testing::postgresSettings(), ".");
		db::Migrator(database).migrate();
		CPPUNIT_ASSERT_EQUAL(0, db::Migrator(database).migrate());
	}

	void vmStatusCountsFollowWrites()
	{
		db::Database database(testing::postgresSettings(), ".");
		db::Migrator(database).migrate();
		std::string mismatch = testing::vmStatusCountsMismatch(database);
		CPPUNIT_ASSERT_MESSAGE(mismatch, mismatch.empty());
	}

	void usageRowsMergedIntoHours()
	{
		db::Database database(testing::postgresSettings(), ".");
		std::string mismatch = testing::usageHoursMigrationMismatch(database);
		CPPUNIT_ASSERT_MESSAGE(mismatch, mismatch.empty());
	}

	void statusChangedAtFollowsHistory()
	{
		db::Database database(testing::postgresSettings(), ".");
		std::string mismatch = testing::statusChangedAtMismatch(database);
		CPPUNIT_ASSERT_MESSAGE(mismatch, mismatch.empty());
	}

	void transactionRollsBack()
	{
		db::Database database(testing::postgresSettings(), ".");
		database.session() << "CREATE TABLE t (x BIGINT)", now;
		CPPUNIT_ASSERT_THROW(database.transaction([](Poco::Data::Session& session) {
			Poco::Int64 value = 1;
			session << "INSERT INTO t (x) VALUES ($1)", use(value), now;
			throw std::runtime_error("abort");
		}),
			std::runtime_error);
		Poco::Int64 count = -1;
		database.session() << "SELECT COUNT(*) FROM t", into(count), now;
		CPPUNIT_ASSERT_EQUAL(Poco::Int64(0), count);
	}

	void serverRunsOnPostgres()
	{
		testing::TestServer server("[database]\ndriver = postgresql\nconnection = " + testing::postgresConnection() + "\n");
		testing::HttpResult ready = server.client().get("/readyz");
		CPPUNIT_ASSERT_EQUAL(200, ready.status);
		std::string detail = ready.json()->getObject("components")->getObject("database")->getValue<std::string>("detail");
		CPPUNIT_ASSERT_MESSAGE(detail, detail.find("postgresql") == 0);
		CPPUNIT_ASSERT_MESSAGE(detail, detail.find("password") == std::string::npos);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresSchemaTest);
