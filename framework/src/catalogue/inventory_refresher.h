#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "app/background_service.h"
#include "catalogue/inventory.h"

namespace gpucloud::catalogue
{

/// Refreshes the inventory on its own thread every `interval`, so that request handlers never call a plugin.
/// start() runs the first refresh before it returns, so the server accepts requests with a complete snapshot.
class InventoryRefresher : public app::BackgroundService
{
public:
	InventoryRefresher(Inventory& inventory, std::chrono::milliseconds interval);
	~InventoryRefresher() override;

	std::string name() const override { return "inventory-refresher"; }
	void start() override;
	void stop() override;

private:
	void run();
	void refreshAndLog();

	Inventory& _inventory;
	std::chrono::milliseconds _interval;
	std::mutex _mutex;
	std::condition_variable _wake;
	bool _stopping = false;
	std::string _lastError;  // logged once until the refresh succeeds again
	std::thread _thread;
};

} // namespace gpucloud::catalogue
