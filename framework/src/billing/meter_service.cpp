#include "billing/meter_service.h"

#include <Poco/Exception.h>
#include <Poco/Logger.h>

#include "util/random.h"

namespace gpucloud::billing
{

namespace
{

Poco::Logger& logger()
{
	static Poco::Logger& instance = Poco::Logger::get("gpucloud.billing");
	return instance;
}

} // namespace

MeterService::MeterService(db::Database& database, std::shared_ptr<BillingStore> store, std::unique_ptr<Meter> meter,
	std::shared_ptr<const Clock> clock, std::chrono::seconds interval)
	: _database(database), _store(std::move(store)), _meter(std::move(meter)), _clock(std::move(clock)),
	  _interval(interval), _holder(util::uuid4())
{
}

MeterService::~MeterService()
{
	stop();
}

void MeterService::start()
{
	_thread = std::thread([this] { run(); });
	logger().information("Billing meter started: a pass every %Ld s, lease holder %s",
		static_cast<Poco::Int64>(_interval.count()), _holder);
}

void MeterService::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (_stopping)
			return;
		_stopping = true;
	}
	_wake.notify_all();
	if (_thread.joinable())
	{
		_thread.join();
		try
		{
			_database.transaction([&](Poco::Data::Session& session) { _store->releaseLease(session, kLeaseName, _holder); });
		}
		catch (const std::exception& error)
		{
			logger().warning("Billing meter could not release its lease: %s", std::string(error.what()));
		}
		logger().information("Billing meter stopped");
	}
}

std::optional<MeterReport> MeterService::runOnce()
{
	std::int64_t now = _clock->now();
	// The lease outlives three intervals, so a holder that misses one pass keeps it and a dead holder loses it soon.
	std::int64_t expiresAt = now + 3 * static_cast<std::int64_t>(_interval.count());
	bool held = _database.transaction([&](Poco::Data::Session& session) {
		return _store->acquireLease(session, kLeaseName, _holder, now, expiresAt);
	});
	if (!held)
		return std::nullopt;
	return _meter->charge(now);
}

void MeterService::run()
{
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_wake.wait_for(lock, _interval, [this] { return _stopping; }))
	{
		lock.unlock();
		try
		{
			auto started = std::chrono::steady_clock::now();
			std::optional<MeterReport> report = runOnce();
			auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
			if (report)
			{
				logger().information("Meter pass charged %z VMs of %z users: %s USD in %z usage rows, %Ld ms",
					report->vmsCharged, report->users, util::formatDollars(report->charged), report->usageRecords,
					static_cast<Poco::Int64>(elapsed.count()));
			}
		}
		catch (const Poco::Exception& error)
		{
			logger().error("Meter pass failed; the next pass charges from the cursors: %s", error.displayText());
		}
		catch (const std::exception& error)
		{
			logger().error("Meter pass failed; the next pass charges from the cursors: %s", std::string(error.what()));
		}
		lock.lock();
	}
}

} // namespace gpucloud::billing
