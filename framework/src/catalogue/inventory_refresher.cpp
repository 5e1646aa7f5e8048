#include "catalogue/inventory_refresher.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

namespace gpucloud::catalogue
{

InventoryRefresher::InventoryRefresher(Inventory& inventory, std::chrono::milliseconds interval)
	: _inventory(inventory), _interval(interval)
{
}

InventoryRefresher::~InventoryRefresher()
{
	stop();
}

void InventoryRefresher::start()
{
	refreshAndLog();
	_thread = std::thread([this] { run(); });
}

void InventoryRefresher::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_all();
	if (_thread.joinable())
		_thread.join();
}

void InventoryRefresher::run()
{
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_wake.wait_for(lock, _interval, [this] { return _stopping; }))
	{
		lock.unlock();
		refreshAndLog();
		lock.lock();
	}
}

void InventoryRefresher::refreshAndLog()
{
	static Poco::Logger& logger = Poco::Logger::get("gpucloud.catalogue");
	std::string error;
	try
	{
		_inventory.refresh();
	}
	catch (const Poco::Exception& failure)
	{
		error = failure.displayText();
	}
	catch (const std::exception& failure)
	{
		error = failure.what();
	}

	if (!error.empty() && error != _lastError)
		logger.error("Inventory refresh failed, keeping the previous snapshot: %s", error);
	else if (error.empty() && !_lastError.empty())
		logger.information("Inventory refresh works again");
	_lastError = error;
}

} // namespace gpucloud::catalogue
