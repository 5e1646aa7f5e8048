// Times one steady-state meter tick over many billable VMs on SQLite and checks that the ledger is still exact.
// Usage: meter_exactness_bench [vms] [vms-per-user] [later-ticks]
//
// Every VM runs at 0.60 USD/h for its GPU and 0.006 USD/h for its disk, so one minute costs exactly 10,100
// micro-dollars and the expected charges are whole numbers. Users get their credit through the ledger. The VMs were
// created over the hour before the first tick, one sixtieth of them in each minute, so each one-minute tick starts
// the usage rows of a new hour for a sixtieth of them. The first tick creates the cursors; the timed tick charges
// the next minute, and `later-ticks` more follow. Then the meter misses an hour, and the tick after the catch-up
// tick, where every VM starts a new usage row, is timed too. The check requires, for every user, a consistent
// ledger (BillingFixture::ledgerInconsistency) and a balance of credit minus 10,100 per VM and minute, and that a
// tick repeated at the same time charges nothing. Prints one JSON line prefixed with METER_JSON.
//
// With BENCH_METER_POSTGRES set to a libpq connection string, the tool runs on that PostgreSQL database instead,
// after it drops and recreates the schema `public`: point it only at a throwaway cluster.
#include <chrono>
#include <cstdlib>
#include <ctime>
#include <iostream>

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/Session.h>

#include "billing/meter.h"
#include "support/billing_fixture.h"
#include "util/random.h"

using namespace gpucloud;
using namespace Poco::Data::Keywords;

namespace
{

constexpr std::int64_t kStart = 1700000000;
constexpr util::Micros kGpuRate = 600000;     // 10,000 per minute
constexpr util::Micros kStorageRate = 6000;   // 100 per minute
constexpr util::Micros kPerMinute = 10100;
constexpr util::Micros kCredit = 1000000000;  // 1,000 USD

/// The creation time of the VM with index `vm`: one of the 60 minutes before kStart.
std::int64_t createdAt(int vm)
{
	return kStart - 60 * (vm % 60);
}

double cpuMilliseconds()
{
	return static_cast<double>(std::clock()) * 1000.0 / CLOCKS_PER_SEC;
}

/// Inserts the users (credited through the ledger) and their running VMs; returns the user ids.
std::vector<std::int64_t> populate(testing::BillingFixture& fixture, int vms, int vmsPerUser)
{
	int users = (vms + vmsPerUser - 1) / vmsPerUser;
	std::vector<std::int64_t> userIds;
	for (int i = 0; i < users; ++i)
		userIds.push_back(fixture.addUser(kCredit, kCredit));

	std::vector<std::string> ids;
	std::vector<Poco::Int64> vmids, owners, starts;
	for (int i = 0; i < vms; ++i)
	{
		ids.push_back(util::uuid4());
		vmids.push_back(i + 1);
		owners.push_back(userIds[static_cast<std::size_t>(i / vmsPerUser)]);
		starts.push_back(createdAt(i));
	}
	// Poco Data binds a vector per column for bulk inserts, and every column needs the same row count.
	std::vector<Poco::Int64> gpuRates(ids.size(), kGpuRate);
	std::vector<Poco::Int64> storageRates(ids.size(), kStorageRate);
	fixture.database().transaction([&](Poco::Data::Session& session) {
		session << "INSERT INTO vms (id, vmid, user_id, backend, node, template_vmid, gpu_type, gpu_count, storage_gb, "
				   "ram_gb, cpu_cores, rental_type, status, gpu_hourly_rate_micros, storage_hourly_rate_micros, "
				   "created_at, updated_at) VALUES ($1, $2, $3, 'mock', 'vm01', 100, '4090', 1, 50, 16, 8, "
				   "'on_demand', 'running', $4, $5, $6, $6)",
			use(ids), use(vmids), use(owners), use(gpuRates), use(storageRates), use(starts), now;
		session << "INSERT INTO vm_status_history (vm_id, status, changed_at) VALUES ($1, 'running', $2)", use(ids),
			use(starts), now;
	});
	return userIds;
}

/// Returns the number of users whose ledger or balance is not what the minutes charged up to `end` demand.
std::size_t countInexactUsers(testing::BillingFixture& fixture, const std::vector<std::int64_t>& userIds, int vms,
	int vmsPerUser, std::int64_t end)
{
	std::size_t inexact = 0;
	for (std::size_t i = 0; i < userIds.size(); ++i)
	{
		util::Micros expected = kCredit;
		for (int vm = static_cast<int>(i) * vmsPerUser; vm < std::min(vms, static_cast<int>(i + 1) * vmsPerUser); ++vm)
			expected -= kPerMinute * (end - createdAt(vm)) / 60;
		if (!fixture.ledgerInconsistency(userIds[i]).empty() || fixture.balance(userIds[i]) != expected)
			++inexact;
	}
	return inexact;
}

/// Returns a fixture on a fresh SQLite database, or on PostgreSQL when BENCH_METER_POSTGRES names one.
std::unique_ptr<testing::BillingFixture> makeFixture()
{
	const char* connection = std::getenv("BENCH_METER_POSTGRES");
	if (connection == nullptr || *connection == '\0')
		return std::make_unique<testing::BillingFixture>();
	Poco::Data::PostgreSQL::Connector::registerConnector();
	{
		Poco::Data::Session session("PostgreSQL", connection);
		session << "SET client_min_messages = warning", now;
		session << "DROP SCHEMA public CASCADE", now;
		session << "CREATE SCHEMA public", now;
	}
	config::DatabaseSettings settings;
	settings.driver = "postgresql";
	settings.connection = connection;
	settings.poolMax = 8;
	return std::make_unique<testing::BillingFixture>(settings);
}

/// Runs one meter tick at `at` and returns its wall time in milliseconds.
double timedTick(billing::Meter& meter, std::int64_t at, billing::MeterReport& report)
{
	auto started = std::chrono::steady_clock::now();
	report = meter.charge(at);
	return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
}

} // namespace

int run(int argc, char** argv)
{
	int vms = argc > 1 ? std::atoi(argv[1]) : 100000;
	int vmsPerUser = argc > 2 ? std::atoi(argv[2]) : 10;
	int laterTicks = argc > 3 ? std::atoi(argv[3]) : 0;
	if (vms <= 0 || vmsPerUser <= 0 || laterTicks < 0)
	{
		std::cerr << "Usage: meter_exactness_bench [vms > 0] [vms-per-user > 0] [later-ticks >= 0]\n";
		return EXIT_FAILURE;
	}

	std::unique_ptr<testing::BillingFixture> database = makeFixture();
	testing::BillingFixture& fixture = *database;
	auto seedStarted = std::chrono::steady_clock::now();
	std::vector<std::int64_t> userIds = populate(fixture, vms, vmsPerUser);
	double seedSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - seedStarted).count();
	billing::Meter meter(fixture.database(), fixture.store(), nullptr, nullptr, {});

	meter.charge(kStart + 60);

	double cpuBefore = cpuMilliseconds();
	auto started = std::chrono::steady_clock::now();
	billing::MeterReport report = meter.charge(kStart + 120);
	double wallMs = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
	double cpuMs = cpuMilliseconds() - cpuBefore;

	billing::MeterReport repeated = meter.charge(kStart + 120);

	// Later ticks show whether the tick time grows with the tables.
	std::string laterMs;
	bool laterExact = true;
	std::int64_t at = kStart + 120;
	for (int tick = 0; tick < laterTicks; ++tick)
	{
		at += 60;
		billing::MeterReport later;
		double ms = timedTick(meter, at, later);
		laterMs += (laterMs.empty() ? "" : ", ") + std::to_string(static_cast<long>(ms));
		laterExact = laterExact && later.charged == kPerMinute * vms;
	}

	// The meter misses an hour: the catch-up tick charges 61 minutes in each VM's current usage row, and the tick
	// after it starts a new row for every VM.
	at += 3660;
	billing::MeterReport catchUp = meter.charge(at);
	at += 60;
	billing::MeterReport afterGap;
	double afterGapMs = timedTick(meter, at, afterGap);
	bool gapExact = catchUp.charged == 61 * kPerMinute * vms && afterGap.charged == kPerMinute * vms;

	std::size_t inexact = countInexactUsers(fixture, userIds, vms, vmsPerUser, at);
	bool exact = inexact == 0 && repeated.charged == 0 && report.charged == kPerMinute * vms && laterExact && gapExact;

	std::cout << "METER_JSON {\"vms\": " << vms << ", \"users\": " << userIds.size() << ", \"seed_s\": " << seedSeconds
			  << ", \"tick_wall_ms\": " << wallMs << ", \"tick_cpu_ms\": " << cpuMs << ", \"vms_charged\": "
			  << report.vmsCharged << ", \"usage_rows\": " << report.usageRecords << ", \"charged_micros\": "
			  << report.charged << ", \"repeat_charged_micros\": " << repeated.charged << ", \"inexact_users\": "
			  << inexact << ", \"later_tick_wall_ms\": [" << laterMs << "], \"after_gap_tick_wall_ms\": " << afterGapMs
			  << ", \"exact\": " << (exact ? "true" : "false")
			  << "}" << std::endl;
	return exact ? EXIT_SUCCESS : EXIT_FAILURE;
}

int main(int argc, char** argv)
{
	try
	{
		return run(argc, argv);
	}
	catch (const Poco::Exception& error)
	{
		std::cerr << "meter_exactness_bench: " << error.displayText() << "\n";
	}
	catch (const std::exception& error)
	{
		std::cerr << "meter_exactness_bench: " << error.what() << "\n";
	}
	return EXIT_FAILURE;
}
