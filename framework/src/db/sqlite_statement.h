#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <Poco/Data/Session.h>

struct sqlite3;
struct sqlite3_stmt;

namespace gpucloud::db
{

/// A prepared SQLite statement, borrowed from its connection's cache for one execution.
///
/// Poco Data compiles the SQL text again on every execution, which costs more than a read by primary key itself.
/// So each SQLite connection keeps one prepared statement per SQL text for the hottest queries. A borrower binds the
/// parameters in textual order, steps through the rows and reads the columns. The destructor resets the statement,
/// which ends its read transaction, and returns it to the cache. A nested borrower of the same SQL on the same
/// connection gets a statement of its own, finalized afterwards.
///
/// A borrowed statement belongs to the thread that uses the session. A cached statement keeps its connection
/// allocated, so no new connection gets the address of a closed one while the cache refers to it.
/// `Database::close()` finalizes the cached statements through forgetConnection().
class SqliteStatement
{
public:
	/// Borrows the statement for `sql` on the connection of `session`, preparing it on first use. Returns nullopt
	/// when the session is not an SQLite session. Throws Poco::Data::DataException when SQLite rejects the SQL.
	static std::optional<SqliteStatement> borrow(Poco::Data::Session& session, const std::string& sql);

	SqliteStatement(SqliteStatement&& other) noexcept;
	SqliteStatement& operator=(SqliteStatement&&) = delete;
	SqliteStatement(const SqliteStatement&) = delete;
	SqliteStatement& operator=(const SqliteStatement&) = delete;
	~SqliteStatement();

	/// Binds the next parameter: the first call binds `$1`, the next `$2`, in the order of first appearance.
	SqliteStatement& bind(std::int64_t value);
	SqliteStatement& bind(const std::string& value);

	/// Steps to the next row and returns false when there is none. Throws Poco::Data::DataException with SQLite's
	/// message on an error, for example "database is locked" after the busy timeout.
	bool next();

	/// Runs a statement that returns no rows, such as an INSERT or UPDATE, and returns the number of rows it changed.
	/// Afterwards the statement can run again: binding starts over at `$1`.
	std::int64_t execute();

	/// Reads a column of the current row, counting from 0. A NULL reads as 0 or as an empty string.
	bool isNull(int column) const;
	std::int64_t int64(int column) const;
	std::string text(int column) const;
	std::optional<std::int64_t> optionalInt64(int column) const;
	std::optional<std::string> optionalText(int column) const;

	/// Finalizes the statements cached for `connection`. Statements borrowed at that moment are finalized when they
	/// are returned.
	static void forgetConnection(sqlite3* connection);

private:
	SqliteStatement(sqlite3* connection, sqlite3_stmt* statement, bool cached);

	sqlite3* _connection;
	sqlite3_stmt* _statement;
	bool _cached;
	int _nextParameter = 1;
};

} // namespace gpucloud::db
