#include "db/wal_checkpointer.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include <sqlite3.h>

namespace gpucloud::db
{

namespace
{

/// The log size at which SQLite's automatic checkpoint runs by default.
constexpr int kCheckpointPages = 1000;

} // namespace

WalCheckpointer::WalCheckpointer(std::function<void()> checkpoint, std::chrono::milliseconds interval)
	: _checkpoint(std::move(checkpoint))
	, _interval(interval)
{
}

void WalCheckpointer::start()
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (!_thread.joinable() && !_stopping)
		_thread = std::thread([this] { run(); });
}

WalCheckpointer::~WalCheckpointer()
{
	stop();
}

void WalCheckpointer::attach(sqlite3* connection)
{
	sqlite3_wal_hook(connection, &WalCheckpointer::onCommit, this);
}

int WalCheckpointer::onCommit(void* self, sqlite3*, const char*, int pages)
{
	if (pages >= kCheckpointPages)
	{
		auto* checkpointer = static_cast<WalCheckpointer*>(self);
		{
			std::lock_guard<std::mutex> lock(checkpointer->_mutex);
			checkpointer->_requested = true;
		}
		checkpointer->_wake.notify_one();
	}
	return SQLITE_OK;
}

void WalCheckpointer::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_one();
	if (_thread.joinable())
		_thread.join();
}

void WalCheckpointer::run()
{
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_stopping)
	{
		_wake.wait_for(lock, _interval, [this] { return _requested || _stopping; });
		if (_stopping)
			break;
		_requested = false;
		lock.unlock();
		try
		{
			_checkpoint();
		}
		catch (const Poco::Exception& error)
		{
			Poco::Logger::get("gpucloud.db").warning("WAL checkpoint failed: %s", error.displayText());
		}
		catch (const std::exception& error)
		{
			Poco::Logger::get("gpucloud.db").warning("WAL checkpoint failed: %s", std::string(error.what()));
		}
		lock.lock();
	}
}

} // namespace gpucloud::db
