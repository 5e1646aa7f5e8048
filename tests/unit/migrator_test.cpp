#include <cppunit/extensions/HelperMacros.h>

#include "db/database.h"
#include "db/migrator.h"
#include "support/temp_dir.h"
#include "support/migration_checks.h"
#include "support/vm_status_counts_check.h"

using namespace gpucloud;
using namespace Poco::Data::Keywords;

class MigratorTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MigratorTest);
	CPPUNIT_TEST(statementsSplitAndSubstituted);
	CPPUNIT_TEST(indentedSemicolonContinuesStatement);
	CPPUNIT_TEST(engineSectionsSelectStatements);
	CPPUNIT_TEST(unknownEngineRejected);
	CPPUNIT_TEST(appliesPendingOnly);
	CPPUNIT_TEST(failedMigrationRolledBack);
	CPPUNIT_TEST(newerDatabaseRejected);
	CPPUNIT_TEST(embeddedMigrationsApply);
	CPPUNIT_TEST(vmStatusCountsFollowWrites);
	CPPUNIT_TEST(usageRowsMergedIntoHours);
	CPPUNIT_TEST(statusChangedAtFollowsHistory);
	CPPUNIT_TEST(transactionRollsBack);
	CPPUNIT_TEST_SUITE_END();

public:
	void statementsSplitAndSubstituted()
	{
		std::string sql = "-- users\nCREATE TABLE a (id {{id_pk}}, data {{blob}});\nCREATE INDEX a_data\nON a (data);\n";
		auto sqlite = db::Migrator::statements(sql, db::Dialect::SQLite);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), sqlite.size());
		CPPUNIT_ASSERT_EQUAL(std::string("CREATE TABLE a (id INTEGER PRIMARY KEY AUTOINCREMENT, data BLOB)"), sqlite[0]);
		auto postgres = db::Migrator::statements(sql, db::Dialect::PostgreSQL);
		CPPUNIT_ASSERT_EQUAL(std::string("CREATE TABLE a (id BIGSERIAL PRIMARY KEY, data BYTEA)"), postgres[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("CREATE INDEX a_data\nON a (data)"), postgres[1]);
	}

	void indentedSemicolonContinuesStatement()
	{
		std::string sql = "CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n\tINSERT INTO b VALUES (1);\n\tINSERT INTO b VALUES (2);\n"
						  "END;\nCREATE TABLE c (x INTEGER);\n";
		auto statements = db::Migrator::statements(sql, db::Dialect::SQLite);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), statements.size());
		CPPUNIT_ASSERT_EQUAL(
			std::string("CREATE TRIGGER t AFTER INSERT ON a\nBEGIN\n\tINSERT INTO b VALUES (1);\n\tINSERT INTO b VALUES (2);\nEND"),
			statements[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("CREATE TABLE c (x INTEGER)"), statements[1]);
	}

	void engineSectionsSelectStatements()
	{
		std::string sql = "CREATE TABLE shared (x INTEGER);\n-- engine: sqlite\nCREATE TABLE lite (x INTEGER);\n"
						  "-- engine: postgresql\nCREATE TABLE pg (x INTEGER);\n-- engine: any\nCREATE TABLE last (x INTEGER);\n";
		auto sqlite = db::Migrator::statements(sql, db::Dialect::SQLite);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), sqlite.size());
		CPPUNIT_ASSERT_EQUAL(std::string("CREATE TABLE lite (x INTEGER)"), sqlite[1]);
		CPPUNIT_ASSERT_EQUAL(std::string("CREATE TABLE last (x INTEGER)"), sqlite[2]);
		auto postgres = db::Migrator::statements(sql, db::Dialect::PostgreSQL);
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), postgres.size());
		CPPUNIT_ASSERT_EQUAL(std::string("CREATE TABLE shared (x INTEGER)"), postgres[0]);
		CPPUNIT_ASSERT_EQUAL(std::string("CREATE TABLE pg (x INTEGER)"), postgres[1]);
	}

	void unknownEngineRejected()
	{
		std::string sql = "-- engine: mysql\nCREATE TABLE a (x INTEGER);\n";
		CPPUNIT_ASSERT_THROW(db::Migrator::statements(sql, db::Dialect::SQLite), std::runtime_error);
	}

	void appliesPendingOnly()
	{
		testing::TempDir directory;
		db::Database database(sqlite(), directory.path().string());
		std::vector<db::Migration> first = {{1, "0001_a", "CREATE TABLE a (x INTEGER);"}};
		CPPUNIT_ASSERT_EQUAL(1, db::Migrator(database, first).migrate());
		std::vector<db::Migration> both = {first[0], {2, "0002_b", "CREATE TABLE b (y INTEGER);"}};
		CPPUNIT_ASSERT_EQUAL(1, db::Migrator(database, both).migrate());
		CPPUNIT_ASSERT_EQUAL(0, db::Migrator(database, both).migrate());
		CPPUNIT_ASSERT_EQUAL(2, db::Migrator(database, both).currentVersion());
	}

	void failedMigrationRolledBack()
	{
		testing::TempDir directory;
		db::Database database(sqlite(), directory.path().string());
		std::vector<db::Migration> migrations = {
			{1, "0001_a", "CREATE TABLE a (x INTEGER);"},
			{2, "0002_broken", "CREATE TABLE c (z INTEGER);\nCREATE TABLE a (x INTEGER);"},
		};
		CPPUNIT_ASSERT_THROW(db::Migrator(database, migrations).migrate(), Poco::Exception);
		CPPUNIT_ASSERT_EQUAL(1, db::Migrator(database, migrations).currentVersion());
		int tables = -1;
		database.session() << "SELECT COUNT(*) FROM sqlite_master WHERE name = 'c'", into(tables), now;
		CPPUNIT_ASSERT_EQUAL(0, tables);
	}

	void newerDatabaseRejected()
	{
		testing::TempDir directory;
		db::Database database(sqlite(), directory.path().string());
		std::vector<db::Migration> two = {{1, "0001_a", "CREATE TABLE a (x INTEGER);"}, {2, "0002_b", "CREATE TABLE b (y INTEGER);"}};
		db::Migrator(database, two).migrate();
		std::vector<db::Migration> one = {two[0]};
		CPPUNIT_ASSERT_THROW(db::Migrator(database, one).migrate(), std::runtime_error);
	}

	void vmStatusCountsFollowWrites()
	{
		testing::TempDir directory;
		db::Database database(sqlite(), directory.path().string());
		db::Migrator(database).migrate();
		std::string mismatch = testing::vmStatusCountsMismatch(database);
		CPPUNIT_ASSERT_MESSAGE(mismatch, mismatch.empty());
	}

	void usageRowsMergedIntoHours()
	{
		testing::TempDir directory;
		db::Database database(sqlite(), directory.path().string());
		std::string mismatch = testing::usageHoursMigrationMismatch(database);
		CPPUNIT_ASSERT_MESSAGE(mismatch, mismatch.empty());
	}

	void statusChangedAtFollowsHistory()
	{
		testing::TempDir directory;
		db::Database database(sqlite(), directory.path().string());
		std::string mismatch = testing::statusChangedAtMismatch(database);
		CPPUNIT_ASSERT_MESSAGE(mismatch, mismatch.empty());
	}

	void embeddedMigrationsApply()
	{
		testing::TempDir directory;
		db::Database database(sqlite(), directory.path().string());
		const auto& migrations = db::embeddedMigrations();
		CPPUNIT_ASSERT(!migrations.empty());
		db::Migrator(database).migrate();
		CPPUNIT_ASSERT_EQUAL(migrations.back().version, db::Migrator(database).currentVersion());
	}

	void transactionRollsBack()
	{
		testing::TempDir directory;
		db::Database database(sqlite(), directory.path().string());
		database.session() << "CREATE TABLE t (x INTEGER)", now;
		CPPUNIT_ASSERT_THROW(database.transaction([](Poco::Data::Session& session) {
			session << "INSERT INTO t (x) VALUES (1)", now;
			throw std::runtime_error("abort");
		}),
			std::runtime_error);
		int count = -1;
		database.session() << "SELECT COUNT(*) FROM t", into(count), now;
		CPPUNIT_ASSERT_EQUAL(0, count);
		int value = database.transaction([](Poco::Data::Session& session) {
			session << "INSERT INTO t (x) VALUES (2)", now;
			return 2;
		});
		database.session() << "SELECT COUNT(*) FROM t", into(count), now;
		CPPUNIT_ASSERT_EQUAL(1, count);
		CPPUNIT_ASSERT_EQUAL(2, value);
	}

private:
	static config::DatabaseSettings sqlite()
	{
		config::DatabaseSettings settings;
		settings.path = "test.db";
		return settings;
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MigratorTest);
