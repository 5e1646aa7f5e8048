#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include "config/core_settings.h"

namespace gpucloud::db
{

class WalCheckpointer;

enum class Dialect
{
	SQLite,
	PostgreSQL,
};

/// The database behind the server: a pool of Poco Data sessions on SQLite or PostgreSQL.
///
/// SQL in domain code uses only what both engines accept: `$1, $2, ...` placeholders (Poco 1.11's PostgreSQL
/// connector does not accept `?`), INTEGER/BIGINT/TEXT columns, times as integer Unix seconds, money as integer
/// micro-dollars, booleans as 0/1 integers, and `INSERT ... ON CONFLICT`. Migrations may differ per engine through
/// the placeholders that Migrator substitutes. On SQLite a WalCheckpointer thread checkpoints the write-ahead log.
class Database
{
public:
	/// Opens the pool. For SQLite, `dataDir` is the folder of a relative `settings.path`; ":memory:" is not
	/// supported because each pooled connection would get its own database.
	Database(const config::DatabaseSettings& settings, const std::string& dataDir);
	~Database();

	Database(const Database&) = delete;
	Database& operator=(const Database&) = delete;

	Dialect dialect() const { return _dialect; }

	/// Returns a pooled session; it goes back to the pool when the last copy is destroyed. When every session is in
	/// use, waits up to `pool_wait_ms` for one; throws Poco::Data::SessionPoolExhaustedException after that.
	Poco::Data::Session session();

	/// Runs `work` inside one transaction and commits it; rolls back and rethrows when `work` throws. On SQLite the
	/// transaction takes the write lock at its start (BEGIN IMMEDIATE), so two writers wait for each other instead
	/// of failing with "database is locked" when they upgrade a read lock. Writers of this process first queue on an
	/// in-process lock, because SQLite admits one writer at a time anyway and its busy handler would make a waiting
	/// writer sleep in steps of up to 100 ms. On SQLite, a transaction started on a thread that is inside one
	/// already throws Poco::Data::DataException at once, because it would wait for itself.
	template <class Work>
	auto transaction(Work&& work) -> decltype(work(std::declval<Poco::Data::Session&>()));

	/// Runs `SELECT 1`. Returns an empty string when the database responds, else the reason.
	std::string ping();

	/// Closes every pooled session. Further calls fail.
	void close();

	/// A description for logs that contains no password: the SQLite path or the PostgreSQL host and database.
	const std::string& description() const { return _description; }

private:
	void begin(Poco::Data::Session& session);
	void commit(Poco::Data::Session& session);
	void rollback(Poco::Data::Session& session) noexcept;

	/// Runs one PASSIVE checkpoint of the SQLite write-ahead log and returns the number of frames in the log.
	int checkpointOnce(Poco::Data::Session& session);

	/// The work of the WalCheckpointer thread: a checkpoint, after which a log of kRestartLogFrames frames or more
	/// makes the next transaction complete the checkpoint first (restartLogIfRequested()).
	void checkpoint();

	/// Called in a transaction's write turn before its BEGIN.
	void restartLogIfRequested(Poco::Data::Session& session);

	/// 10,000 frames of 4 KiB pages: a log of about 40 MiB.
	static constexpr int kRestartLogFrames = 10000;

	/// This process's turn to write on SQLite, held from before a transaction takes its session until it ends.
	/// Does nothing on PostgreSQL.
	class WriteTurn
	{
	public:
		explicit WriteTurn(Database& database);
		~WriteTurn();
		WriteTurn(const WriteTurn&) = delete;
		WriteTurn& operator=(const WriteTurn&) = delete;

	private:
		Database* _database = nullptr;
	};

	Dialect _dialect;
	std::string _description;
	std::chrono::milliseconds _poolWait;
	std::chrono::milliseconds _busyTimeout;
	std::timed_mutex _writeLock;
	std::atomic<std::thread::id> _writer;
	std::atomic<bool> _restartRequested{false};
	std::mutex _checkpointMutex;
	std::unique_ptr<WalCheckpointer> _checkpointer;  ///< SQLite only
	std::unique_ptr<Poco::Data::SessionPool> _pool;
};

template <class Work>
auto Database::transaction(Work&& work) -> decltype(work(std::declval<Poco::Data::Session&>()))
{
	WriteTurn turn(*this);
	Poco::Data::Session session = this->session();
	restartLogIfRequested(session);
	begin(session);
	try
	{
		if constexpr (std::is_void_v<decltype(work(session))>)
		{
			work(session);
			commit(session);
		}
		else
		{
			auto result = work(session);
			commit(session);
			return result;
		}
	}
	catch (...)
	{
		rollback(session);
		throw;
	}
}

/// Returns the current time as Unix seconds, the form in which the schema stores times.
std::int64_t unixNow();

/// Formats Unix seconds as ISO 8601 UTC with second precision: 2026-12-04T20:15:00Z.
std::string isoTime(std::int64_t unixSeconds);

} // namespace gpucloud::db
