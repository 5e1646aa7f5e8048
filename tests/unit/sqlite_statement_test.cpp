#include "db/database.h"
#include "db/sqlite_statement.h"
#include "support/temp_dir.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <cppunit/extensions/HelperMacros.h>

#include <sqlite3.h>

using namespace gpucloud;
using namespace Poco::Data::Keywords;

class SqliteStatementTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SqliteStatementTest);
	CPPUNIT_TEST(readsRowsWithBoundParameters);
	CPPUNIT_TEST(reusesOnePreparedStatement);
	CPPUNIT_TEST(executeCountsChangesAndRunsAgain);
	CPPUNIT_TEST(nestedBorrowGetsItsOwnStatement);
	CPPUNIT_TEST(returnedStatementHoldsNoReadTransaction);
	CPPUNIT_TEST(rejectsInvalidSql);
	CPPUNIT_TEST(reopenedDatabasePreparesAgain);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_database = std::make_unique<db::Database>(settings(), _folder.path().string());
		Poco::Data::Session session = _database->session();
		session << "CREATE TABLE items (id TEXT PRIMARY KEY, amount INTEGER NOT NULL, note TEXT)", now;
		session << "INSERT INTO items VALUES ('a', 1, 'first'), ('b', 2, NULL), ('c', 3, 'third')", now;
	}

	void tearDown() override { _database.reset(); }

	void readsRowsWithBoundParameters()
	{
		Poco::Data::Session session = _database->session();
		auto statement = db::SqliteStatement::borrow(session, kSelect);
		CPPUNIT_ASSERT(statement);
		statement->bind(std::int64_t(2)).bind(std::string("z"));
		CPPUNIT_ASSERT(statement->next());
		CPPUNIT_ASSERT_EQUAL(std::string("b"), statement->text(0));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(2), statement->int64(1));
		CPPUNIT_ASSERT(statement->isNull(2));
		CPPUNIT_ASSERT(!statement->optionalText(2));
		CPPUNIT_ASSERT(statement->next());
		CPPUNIT_ASSERT_EQUAL(std::string("third"), *statement->optionalText(2));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(3), *statement->optionalInt64(1));
		CPPUNIT_ASSERT(!statement->next());
	}

	void reusesOnePreparedStatement()
	{
		Poco::Data::Session session = _database->session();
		for (std::int64_t minimum = 1; minimum <= 3; ++minimum)
		{
			auto statement = db::SqliteStatement::borrow(session, kSelect);
			statement->bind(minimum).bind(std::string("z"));
			int rows = 0;
			while (statement->next())
				++rows;
			CPPUNIT_ASSERT_EQUAL(static_cast<int>(4 - minimum), rows);
		}
		CPPUNIT_ASSERT_EQUAL(1, preparedStatements(session));
	}

	void executeCountsChangesAndRunsAgain()
	{
		Poco::Data::Session session = _database->session();
		{
			auto update = db::SqliteStatement::borrow(session, "UPDATE items SET amount = amount + $1 WHERE amount >= $2");
			CPPUNIT_ASSERT_EQUAL(std::int64_t(2), update->bind(std::int64_t(10)).bind(std::int64_t(2)).execute());
			CPPUNIT_ASSERT_EQUAL(std::int64_t(0), update->bind(std::int64_t(10)).bind(std::int64_t(100)).execute());
			CPPUNIT_ASSERT_EQUAL(std::int64_t(3), update->bind(std::int64_t(1)).bind(std::int64_t(0)).execute());
		}
		std::vector<Poco::Int64> amounts;
		session << "SELECT amount FROM items ORDER BY id", into(amounts), now;
		CPPUNIT_ASSERT(amounts == std::vector<Poco::Int64>({2, 13, 14}));
	}

	void nestedBorrowGetsItsOwnStatement()
	{
		Poco::Data::Session session = _database->session();
		{
			auto outer = db::SqliteStatement::borrow(session, kSelect);
			outer->bind(std::int64_t(1)).bind(std::string("z"));
			CPPUNIT_ASSERT(outer->next());
			{
				auto inner = db::SqliteStatement::borrow(session, kSelect);
				inner->bind(std::int64_t(3)).bind(std::string("z"));
				CPPUNIT_ASSERT(inner->next());
				CPPUNIT_ASSERT_EQUAL(std::string("c"), inner->text(0));
				CPPUNIT_ASSERT_EQUAL(2, preparedStatements(session));
			}
			CPPUNIT_ASSERT_EQUAL(std::string("a"), outer->text(0));
			CPPUNIT_ASSERT(outer->next());
			CPPUNIT_ASSERT_EQUAL(std::string("b"), outer->text(0));
		}
		CPPUNIT_ASSERT_EQUAL(1, preparedStatements(session));
	}

	void returnedStatementHoldsNoReadTransaction()
	{
		Poco::Data::Session reader = _database->session();
		{
			auto statement = db::SqliteStatement::borrow(reader, kSelect);
			statement->bind(std::int64_t(1)).bind(std::string("z"));
			CPPUNIT_ASSERT(statement->next()); // stops after the first of three rows
		}
		sqlite3* connection = Poco::Data::SQLite::Utility::dbHandle(reader);
		for (sqlite3_stmt* statement = sqlite3_next_stmt(connection, nullptr); statement;
			 statement = sqlite3_next_stmt(connection, statement))
			CPPUNIT_ASSERT_EQUAL(0, sqlite3_stmt_busy(statement));

		// A change committed by another connection is visible to the next borrower of the cached statement.
		Poco::Data::Session writer = _database->session();
		writer << "UPDATE items SET note = 'changed' WHERE id = 'a'", now;
		auto statement = db::SqliteStatement::borrow(reader, kSelect);
		statement->bind(std::int64_t(1)).bind(std::string("z"));
		CPPUNIT_ASSERT(statement->next());
		CPPUNIT_ASSERT_EQUAL(std::string("changed"), statement->text(2));
	}

	void rejectsInvalidSql()
	{
		Poco::Data::Session session = _database->session();
		CPPUNIT_ASSERT_THROW(db::SqliteStatement::borrow(session, "SELECT FROM nowhere"), Poco::Data::DataException);
		CPPUNIT_ASSERT_THROW(db::SqliteStatement::borrow(session, "SELECT * FROM missing_table"),
							 Poco::Data::DataException);
	}

	void reopenedDatabasePreparesAgain()
	{
		{
			Poco::Data::Session session = _database->session();
			auto statement = db::SqliteStatement::borrow(session, kSelect);
			statement->bind(std::int64_t(1)).bind(std::string("z"));
			CPPUNIT_ASSERT(statement->next());
		}
		_database->close();
		// close() finalized the cached statement and closed its connection, so the new connection may get the same
		// address. The cache must not hand it the finalized statement.
		_database = std::make_unique<db::Database>(settings(), _folder.path().string());
		Poco::Data::Session session = _database->session();
		auto statement = db::SqliteStatement::borrow(session, kSelect);
		statement->bind(std::int64_t(3)).bind(std::string("z"));
		CPPUNIT_ASSERT(statement->next());
		CPPUNIT_ASSERT_EQUAL(std::string("c"), statement->text(0));
		CPPUNIT_ASSERT_EQUAL(1, preparedStatements(session));
	}

private:
	static constexpr const char* kSelect =
		"SELECT id, amount, note FROM items WHERE amount >= $1 AND id < $2 ORDER BY id";

	static config::DatabaseSettings settings()
	{
		config::DatabaseSettings settings;
		settings.poolMin = 1;
		settings.poolMax = 2;
		return settings;
	}

	static int preparedStatements(Poco::Data::Session& session)
	{
		sqlite3* connection = Poco::Data::SQLite::Utility::dbHandle(session);
		int count = 0;
		for (sqlite3_stmt* statement = sqlite3_next_stmt(connection, nullptr); statement;
			 statement = sqlite3_next_stmt(connection, statement))
		{
			if (std::string(sqlite3_sql(statement)) == kSelect)
				++count;
		}
		return count;
	}

	testing::TempDir _folder;
	std::unique_ptr<db::Database> _database;
};

CPPUNIT_TEST_SUITE_REGISTRATION(SqliteStatementTest);
