#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

struct sqlite3;

namespace gpucloud::db
{

/// Checkpoints an SQLite write-ahead log on a thread of its own, so that no request waits for one.
///
/// By default SQLite checkpoints in the connection that commits once the log passes 1,000 pages, and with
/// `synchronous = NORMAL` that checkpoint syncs the database file inside the committing request. Connections that
/// attach() replace that automatic checkpoint with a hook that wakes this thread at the same size. The thread also
/// checkpoints every `interval`. Its checkpoints are PASSIVE, a mode in which SQLite copies what it can without
/// waiting for readers or writers.
class WalCheckpointer
{
public:
	/// Prepares a checkpointer; start() starts its thread. `checkpoint` runs one checkpoint and may throw, and the
	/// thread then logs the error and goes on.
	WalCheckpointer(std::function<void()> checkpoint, std::chrono::milliseconds interval);
	~WalCheckpointer();

	WalCheckpointer(const WalCheckpointer&) = delete;
	WalCheckpointer& operator=(const WalCheckpointer&) = delete;

	/// Makes commits on `connection` wake the thread once the log has 1,000 pages, instead of checkpointing there.
	/// The connection must be closed before this object is destroyed.
	void attach(sqlite3* connection);

	/// Starts the thread, once whatever `checkpoint` uses is ready.
	void start();

	/// Stops and joins the thread; commits after it no longer wake anything. Called before the connections close.
	void stop();

private:
	static int onCommit(void* self, sqlite3* connection, const char* database, int pages);
	void run();

	std::function<void()> _checkpoint;
	std::chrono::milliseconds _interval;
	std::mutex _mutex;
	std::condition_variable _wake;
	bool _requested = false;
	bool _stopping = false;
	std::thread _thread;
};

} // namespace gpucloud::db
