#include "db/database.h"

#include "db/sqlite_statement.h"
#include "db/wal_checkpointer.h"

#include <algorithm>
#include <filesystem>
#include <mutex>
#include <thread>
#include <vector>

#include <sqlite3.h>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/DataException.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Exception.h>
#include <Poco/Logger.h>
#include <Poco/Timestamp.h>

using namespace Poco::Data::Keywords;

namespace gpucloud::db
{

namespace
{

/// Waits for a lock that another connection holds, polling every 100 us for the first 2 ms and then every
/// millisecond until the busy timeout. SQLite's own timeout handler (sqliteDefaultBusyCallback) sleeps 1, 2, 5, and
/// up to 100 ms between polls, and a waiting writer would add that sleep to its latency.
int waitWhileBusy(void* timeout, int attempt)
{
	thread_local std::chrono::steady_clock::time_point started;
	auto current = std::chrono::steady_clock::now();
	if (attempt == 0)
		started = current;
	if (current - started >= *static_cast<const std::chrono::milliseconds*>(timeout))
		return 0;
	std::this_thread::sleep_for(attempt < 20 ? std::chrono::microseconds(100) : std::chrono::microseconds(1000));
	return 1;
}

/// Applies per-connection settings that SQLite does not keep in the database file.
class SqliteSessionPool : public Poco::Data::SessionPool
{
public:
	// The pool gets maxSessions as its minimum too, so that it never closes an idle connection. Poco closes SQLite
	// connections with sqlite3_close_v2, which leaves a connection with cached statements half open until they are
	// finalized, and only close() finalizes them.
	SqliteSessionPool(const std::string& path, int maxSessions, std::chrono::milliseconds busyTimeout,
		WalCheckpointer& checkpointer)
		: Poco::Data::SessionPool("SQLite", path, maxSessions, maxSessions, 60),
		  _busyTimeout(busyTimeout),
		  _checkpointer(checkpointer)
	{
	}

	/// Finalizes the prepared statements that SqliteStatement cached for the connections of this pool.
	void forgetCachedStatements()
	{
		std::lock_guard<std::mutex> lock(_connectionsMutex);
		for (sqlite3* connection : _connections)
			SqliteStatement::forgetConnection(connection);
		_connections.clear();
	}

protected:
	void customizeSession(Poco::Data::Session& session) override
	{
		sqlite3* connection = Poco::Data::SQLite::Utility::dbHandle(session);
		sqlite3_busy_handler(connection, waitWhileBusy, &_busyTimeout);
		session << "PRAGMA journal_mode = WAL", now;
		_checkpointer.attach(connection);
		session << "PRAGMA synchronous = NORMAL", now;
		session << "PRAGMA foreign_keys = ON", now;
		// A page cache of up to 64 MiB per connection (allocated as pages are used; the default is 2 MiB) keeps the
		// indexes that a billing meter pass walks in memory instead of re-reading them from the file.
		session << "PRAGMA cache_size = -65536", now;
		std::lock_guard<std::mutex> lock(_connectionsMutex);
		_connections.push_back(connection);
	}

private:
	std::chrono::milliseconds _busyTimeout;
	WalCheckpointer& _checkpointer;
	std::mutex _connectionsMutex;
	std::vector<sqlite3*> _connections;
};

/// Keeps PostgreSQL notices such as "relation already exists, skipping" out of standard error.
class PostgresSessionPool : public Poco::Data::SessionPool
{
public:
	PostgresSessionPool(const std::string& connection, int minSessions, int maxSessions)
		: Poco::Data::SessionPool("PostgreSQL", connection, minSessions, maxSessions, 60)
	{
	}

protected:
	void customizeSession(Poco::Data::Session& session) override
	{
		session << "SET client_min_messages = warning", now;
	}
};

std::string describePostgres(const std::string& connection)
{
	// Keep only the keys that help an operator find the server; never the password.
	std::string description;
	std::size_t start = 0;
	while (start < connection.size())
	{
		std::size_t end = connection.find(' ', start);
		if (end == std::string::npos)
			end = connection.size();
		std::string item = connection.substr(start, end - start);
		if (item.rfind("host=", 0) == 0 || item.rfind("port=", 0) == 0 || item.rfind("dbname=", 0) == 0)
			description += (description.empty() ? "" : " ") + item;
		start = end + 1;
	}
	return "postgresql " + description;
}

} // namespace

Database::Database(const config::DatabaseSettings& settings, const std::string& dataDir)
	: _poolWait(settings.poolWait), _busyTimeout(settings.busyTimeout)
{
	if (settings.driver == "postgresql")
	{
		Poco::Data::PostgreSQL::Connector::registerConnector();
		_dialect = Dialect::PostgreSQL;
		_description = describePostgres(settings.connection);
		_pool = std::make_unique<PostgresSessionPool>(settings.connection, settings.poolMin, settings.poolMax);
		return;
	}

	Poco::Data::SQLite::Connector::registerConnector();
	_dialect = Dialect::SQLite;
	std::filesystem::path path(settings.path);
	if (path.is_relative())
		path = std::filesystem::path(dataDir) / path;
	if (path.has_parent_path())
		std::filesystem::create_directories(path.parent_path());
	_description = "sqlite " + std::filesystem::absolute(path).lexically_normal().string();
	_checkpointer = std::make_unique<WalCheckpointer>([this] { checkpoint(); }, std::chrono::seconds(1));
	_pool = std::make_unique<SqliteSessionPool>(path.string(), settings.poolMax, settings.busyTimeout, *_checkpointer);
	_checkpointer->start();
}

Database::~Database()
{
	close();
}

Poco::Data::Session Database::session()
{
	if (!_pool)
		throw Poco::IllegalStateException("The database is closed");
	// Poco's SessionPool::get() throws at once when every session is in use, and the pool signals no release, so
	// a caller that finds the pool exhausted polls it with a growing pause until the wait runs out.
	auto deadline = std::chrono::steady_clock::now() + _poolWait;
	auto pause = std::chrono::microseconds(100);
	for (;;)
	{
		try
		{
			return _pool->get();
		}
		catch (const Poco::Data::SessionPoolExhaustedException&)
		{
			if (std::chrono::steady_clock::now() + pause > deadline)
				throw;
		}
		std::this_thread::sleep_for(pause);
		pause = std::min(pause * 2, std::chrono::microseconds(10000));
	}
}

Database::WriteTurn::WriteTurn(Database& database)
{
	if (database._dialect != Dialect::SQLite)
		return;
	if (database._writer.load() == std::this_thread::get_id())
		throw Poco::Data::DataException("Nested transaction: this thread is inside a transaction already");
	if (!database._writeLock.try_lock_for(database._busyTimeout))
	{
		throw Poco::Data::DataException("Timed out after " + std::to_string(database._busyTimeout.count())
			+ " ms waiting for the database write lock");
	}
	database._writer.store(std::this_thread::get_id());
	_database = &database;
}

Database::WriteTurn::~WriteTurn()
{
	if (!_database)
		return;
	_database->_writer.store(std::thread::id());
	_database->_writeLock.unlock();
}

void Database::begin(Poco::Data::Session& session)
{
	session << (_dialect == Dialect::SQLite ? "BEGIN IMMEDIATE" : "BEGIN"), now;
}

void Database::commit(Poco::Data::Session& session)
{
	session << "COMMIT", now;
}

void Database::rollback(Poco::Data::Session& session) noexcept
{
	try
	{
		session << "ROLLBACK", now;
	}
	catch (...)
	{
		// The transaction is already gone when the failure was a lost connection; the pool discards that session.
	}
}

int Database::checkpointOnce(Poco::Data::Session& session)
{
	// SQLite runs one checkpoint at a time and returns SQLITE_BUSY to a second, so passes of this process queue.
	std::lock_guard<std::mutex> lock(_checkpointMutex);
	sqlite3* connection = Poco::Data::SQLite::Utility::dbHandle(session);
	int logFrames = 0;
	int copiedFrames = 0;
	int result = sqlite3_wal_checkpoint_v2(connection, nullptr, SQLITE_CHECKPOINT_PASSIVE, &logFrames, &copiedFrames);
	if (result != SQLITE_OK && result != SQLITE_BUSY)
		throw Poco::Data::DataException("WAL checkpoint failed", sqlite3_errmsg(connection));
	return logFrames;
}

void Database::checkpoint()
{
	// A pending restart is left to the next writer, which would otherwise wait for this thread's pass.
	if (_restartRequested.load())
		return;
	Poco::Data::Session session = this->session();
	// SQLite starts the log over only when a write transaction begins after a complete checkpoint. Under steady
	// writes the next transaction has always begun before this thread's checkpoint ends, so the log would grow
	// without bound. Once it is long, the next writer of this process completes the checkpoint in its turn, before
	// its BEGIN, and so starts the log over.
	if (checkpointOnce(session) >= kRestartLogFrames)
		_restartRequested.store(true);
}

void Database::restartLogIfRequested(Poco::Data::Session& session)
{
	if (_dialect != Dialect::SQLite || !_restartRequested.exchange(false))
		return;
	try
	{
		checkpointOnce(session);
	}
	catch (const Poco::Exception& error)
	{
		// The transaction goes on, and the checkpoint thread sets the restart flag again on its next pass.
		Poco::Logger::get("gpucloud.db").warning("WAL checkpoint before a transaction failed: %s", error.displayText());
	}
}

std::string Database::ping()
{
	try
	{
		Poco::Data::Session session = this->session();
		int one = 0;
		session << "SELECT 1", into(one), now;
		return one == 1 ? std::string() : "SELECT 1 returned " + std::to_string(one);
	}
	catch (const Poco::Exception& error)
	{
		return error.displayText();
	}
	catch (const std::exception& error)
	{
		return error.what();
	}
}

void Database::close()
{
	if (_checkpointer)
		_checkpointer->stop();
	if (_pool)
	{
		// The connections close first, so no borrower can add statements afterwards. A connection with cached
		// statements stays allocated until forgetCachedStatements() finalizes them, and SQLite frees it then.
		_pool->shutdown();
		if (auto* sqlite = dynamic_cast<SqliteSessionPool*>(_pool.get()))
			sqlite->forgetCachedStatements();
		_pool.reset();
	}
	_checkpointer.reset();
}

std::int64_t unixNow()
{
	return Poco::Timestamp().epochTime();
}

std::string isoTime(std::int64_t unixSeconds)
{
	return Poco::DateTimeFormatter::format(Poco::Timestamp::fromEpochTime(unixSeconds), "%Y-%m-%dT%H:%M:%SZ");
}

} // namespace gpucloud::db
