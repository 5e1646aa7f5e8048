#include "db/sqlite_statement.h"

#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>

#include <mutex>
#include <sqlite3.h>
#include <unordered_map>

namespace gpucloud::db
{

namespace
{

struct CachedEntry
{
	sqlite3_stmt* statement = nullptr;
	bool borrowed = false;
};

/// The prepared statements of every SQLite connection, keyed by connection and then by SQL text.
class StatementCache
{
public:
	static StatementCache& instance()
	{
		static StatementCache cache;
		return cache;
	}

	/// Returns the cached statement for `sql`, or nullptr when there is none or it is borrowed already. A returned
	/// statement counts as borrowed until give() takes it back.
	sqlite3_stmt* take(sqlite3* connection, const std::string& sql, bool& cacheable)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		ConnectionCache& statements = _connections[connection];
		auto found = statements.find(sql);
		cacheable = found == statements.end();
		if (cacheable || found->second.borrowed)
			return nullptr;
		found->second.borrowed = true;
		return found->second.statement;
	}

	/// Adds a statement prepared by a borrower, marked as borrowed. Returns false when another borrower added one for
	/// the same SQL meanwhile, and the caller then keeps its statement uncached.
	bool add(sqlite3* connection, const std::string& sql, sqlite3_stmt* statement)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		return _connections[connection].emplace(sql, CachedEntry{statement, true}).second;
	}

	/// Takes a borrowed statement back, or finalizes it when its connection was forgotten meanwhile.
	void give(sqlite3* connection, sqlite3_stmt* statement)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		auto connectionEntry = _connections.find(connection);
		if (connectionEntry != _connections.end())
		{
			auto found = connectionEntry->second.find(sqlite3_sql(statement));
			if (found != connectionEntry->second.end() && found->second.statement == statement)
			{
				found->second.borrowed = false;
				return;
			}
		}
		sqlite3_finalize(statement);
	}

	void forget(sqlite3* connection)
	{
		std::lock_guard<std::mutex> lock(_mutex);
		auto connectionEntry = _connections.find(connection);
		if (connectionEntry == _connections.end())
			return;
		for (auto& [sql, entry] : connectionEntry->second)
		{
			if (!entry.borrowed)
				sqlite3_finalize(entry.statement);
		}
		_connections.erase(connectionEntry);
	}

private:
	using ConnectionCache = std::unordered_map<std::string, CachedEntry>;

	std::mutex _mutex;
	std::unordered_map<sqlite3*, ConnectionCache> _connections;
};

[[noreturn]] void throwSqliteError(sqlite3* connection, const std::string& what)
{
	throw Poco::Data::DataException(what, sqlite3_errmsg(connection));
}

} // namespace

std::optional<SqliteStatement> SqliteStatement::borrow(Poco::Data::Session& session, const std::string& sql)
{
	if (session.connector() != Poco::Data::SQLite::Connector::KEY)
		return std::nullopt;
	sqlite3* connection = Poco::Data::SQLite::Utility::dbHandle(session);
	bool cacheable = false;
	if (sqlite3_stmt* statement = StatementCache::instance().take(connection, sql, cacheable))
		return SqliteStatement(connection, statement, true);

	sqlite3_stmt* statement = nullptr;
	int flags = cacheable ? SQLITE_PREPARE_PERSISTENT : 0;
	if (sqlite3_prepare_v3(connection, sql.c_str(), static_cast<int>(sql.size()), flags, &statement, nullptr) !=
		SQLITE_OK)
	{
		std::string message = sqlite3_errmsg(connection);
		sqlite3_finalize(statement);
		throw Poco::Data::DataException("Failed to prepare SQLite statement", message);
	}
	bool cached = cacheable && StatementCache::instance().add(connection, sql, statement);
	return SqliteStatement(connection, statement, cached);
}

SqliteStatement::SqliteStatement(sqlite3* connection, sqlite3_stmt* statement, bool cached)
	: _connection(connection)
	, _statement(statement)
	, _cached(cached)
{
}

SqliteStatement::SqliteStatement(SqliteStatement&& other) noexcept
	: _connection(other._connection)
	, _statement(other._statement)
	, _cached(other._cached)
	, _nextParameter(other._nextParameter)
{
	other._statement = nullptr;
}

SqliteStatement::~SqliteStatement()
{
	if (!_statement)
		return;
	sqlite3_reset(_statement);
	sqlite3_clear_bindings(_statement);
	if (_cached)
		StatementCache::instance().give(_connection, _statement);
	else
		sqlite3_finalize(_statement);
}

SqliteStatement& SqliteStatement::bind(std::int64_t value)
{
	if (sqlite3_bind_int64(_statement, _nextParameter++, value) != SQLITE_OK)
		throwSqliteError(_connection, "Failed to bind a parameter of SQLite statement");
	return *this;
}

SqliteStatement& SqliteStatement::bind(const std::string& value)
{
	if (sqlite3_bind_text(_statement, _nextParameter++, value.data(), static_cast<int>(value.size()),
						  SQLITE_TRANSIENT) != SQLITE_OK)
		throwSqliteError(_connection, "Failed to bind a parameter of SQLite statement");
	return *this;
}

bool SqliteStatement::next()
{
	int result = sqlite3_step(_statement);
	if (result == SQLITE_ROW)
		return true;
	if (result == SQLITE_DONE)
		return false;
	throwSqliteError(_connection, "SQLite statement failed");
}

std::int64_t SqliteStatement::execute()
{
	while (next())
	{
	}
	std::int64_t changed = sqlite3_changes(_connection);
	sqlite3_reset(_statement);
	_nextParameter = 1;
	return changed;
}

bool SqliteStatement::isNull(int column) const
{
	return sqlite3_column_type(_statement, column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::int64(int column) const
{
	return sqlite3_column_int64(_statement, column);
}

std::string SqliteStatement::text(int column) const
{
	const unsigned char* value = sqlite3_column_text(_statement, column);
	if (!value)
		return std::string();
	return std::string(reinterpret_cast<const char*>(value),
					   static_cast<std::size_t>(sqlite3_column_bytes(_statement, column)));
}

std::optional<std::int64_t> SqliteStatement::optionalInt64(int column) const
{
	if (isNull(column))
		return std::nullopt;
	return int64(column);
}

std::optional<std::string> SqliteStatement::optionalText(int column) const
{
	if (isNull(column))
		return std::nullopt;
	return text(column);
}

void SqliteStatement::forgetConnection(sqlite3* connection)
{
	StatementCache::instance().forget(connection);
}

} // namespace gpucloud::db
