#pragma once

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "app/background_service.h"
#include "billing/clock.h"
#include "billing/meter.h"

namespace gpucloud::billing
{

/// Runs the meter every interval on its own thread. Before each pass it takes the `billing-meter` lease, so that
/// of several servers sharing one database one meters at a time; the cursors keep the charges exact even when
/// two passes overlap anyway.
class MeterService : public app::BackgroundService
{
public:
	MeterService(db::Database& database, std::shared_ptr<BillingStore> store, std::unique_ptr<Meter> meter,
		std::shared_ptr<const Clock> clock, std::chrono::seconds interval);
	~MeterService() override;

	std::string name() const override { return "billing-meter"; }
	void start() override;
	void stop() override;

	/// Runs one pass at the clock's time if this server holds the lease. Returns the report, or nullopt when
	/// another server holds the lease. Throws what the meter throws.
	std::optional<MeterReport> runOnce();

	/// Returns the identity this server holds the lease under.
	const std::string& holder() const { return _holder; }

	static constexpr const char* kLeaseName = "billing-meter";

private:
	void run();

	db::Database& _database;
	std::shared_ptr<BillingStore> _store;
	std::unique_ptr<Meter> _meter;
	std::shared_ptr<const Clock> _clock;
	std::chrono::seconds _interval;
	std::string _holder;

	std::mutex _mutex;
	std::condition_variable _wake;
	bool _stopping = false;
	std::thread _thread;
};

} // namespace gpucloud::billing
