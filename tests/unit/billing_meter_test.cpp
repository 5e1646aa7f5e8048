#include <cppunit/extensions/HelperMacros.h>

#include <thread>

#include "billing/meter.h"
#include "billing/billing_accounts.h"
#include "pricing/static_pricing_provider.h"
#include "support/billing_fixture.h"
#include "support/failing_billing_store.h"
#include "support/manual_clock.h"

using namespace gpucloud;
using namespace Poco::Data::Keywords;
using testing::BillingFixture;
using testing::RecordingVmControl;
using testing::TestVm;

namespace
{

constexpr std::int64_t kStart = 1700000000;

billing::Meter makeMeter(BillingFixture& fixture, std::shared_ptr<billing::BillingStore> store,
	std::shared_ptr<RecordingVmControl> control = nullptr, billing::MeterOptions options = {})
{
	return billing::Meter(fixture.database(), std::move(store), nullptr, [control] { return control; }, options);
}

/// The exact cost of `gpuSeconds` and `storageSeconds` of a TestVm.
util::Micros exactCost(const TestVm& vm, std::int64_t gpuSeconds, std::int64_t storageSeconds)
{
	return util::mulDiv(vm.gpuHourlyRate * vm.gpuCount, gpuSeconds, 3600)
		+ util::mulDiv(vm.storageHourlyRate, storageSeconds, 3600);
}

} // namespace

class BillingMeterTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(BillingMeterTest);
	CPPUNIT_TEST(prorationExactOverDays);
	CPPUNIT_TEST(tickTwiceChargesOnce);
	CPPUNIT_TEST(usageRowPerHourOfLife);
	CPPUNIT_TEST(networkRateFromLastHour);
	CPPUNIT_TEST(manyStatusChangesInOneChunk);
	CPPUNIT_TEST(crashedTickChargedOnce);
	CPPUNIT_TEST(concurrentMetersChargeOnce);
	CPPUNIT_TEST(staleCursorRejected);
	CPPUNIT_TEST(zeroBalanceStopsRunningVms);
	CPPUNIT_TEST(debtDestroysOnlyWhenEnabled);
	CPPUNIT_TEST(ledgerConsistentAfterSimulation);
	CPPUNIT_TEST(leaseHeldByOneServer);
	CPPUNIT_TEST_SUITE_END();

public:
	void prorationExactOverDays()
	{
		BillingFixture fixture;
		std::int64_t user = fixture.addUser(1000000000);
		TestVm spec;
		spec.gpuCount = 2;
		spec.gpuHourlyRate = 1234567;
		spec.storageHourlyRate = 41667;
		spec.createdAt = kStart;
		spec.status = "starting";
		std::string vm = fixture.addVm(user, spec);

		// Status changes at odd seconds, applied once the simulated clock has passed them.
		std::vector<std::pair<std::int64_t, std::string>> events = {{kStart + 47, "running"},
			{kStart + 10 * 3600 + 17, "stopping"}, {kStart + 10 * 3600 + 29, "stopped"},
			{kStart + 20 * 3600 + 3, "starting"}, {kStart + 20 * 3600 + 50, "running"}};
		std::int64_t gpuSeconds = (10 * 3600 + 29) + (2 * 24 * 3600 - 20 * 3600 - 3);

		billing::Meter meter = makeMeter(fixture, fixture.store());
		std::size_t next = 0;
		testing::ManualClock clock(kStart);
		for (int minute = 0; minute < 2 * 24 * 60; ++minute)
		{
			clock.advance(60);
			while (next < events.size() && events[next].first <= clock.now())
			{
				fixture.setStatus(vm, events[next].second, events[next].first);
				++next;
			}
			meter.charge(clock.now());
		}

		util::Micros expected = exactCost(spec, gpuSeconds, 2 * 24 * 3600);
		CPPUNIT_ASSERT_EQUAL(expected, fixture.usageTotal(vm));
		CPPUNIT_ASSERT_EQUAL(1000000000 - expected, fixture.balance(user));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(2 * 24 * 3600), fixture.coveredSeconds(vm));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(2 * 24), fixture.usageRows(vm));
		CPPUNIT_ASSERT_EQUAL(std::string(), fixture.ledgerInconsistency(user));
	}

	void tickTwiceChargesOnce()
	{
		BillingFixture fixture;
		std::int64_t user = fixture.addUser(100000000);
		TestVm spec;
		spec.createdAt = kStart;
		std::string vm = fixture.addVm(user, spec);
		billing::Meter meter = makeMeter(fixture, fixture.store());

		billing::MeterReport first = meter.charge(kStart + 60);
		billing::MeterReport second = meter.charge(kStart + 60);

		CPPUNIT_ASSERT_EQUAL(std::size_t(1), first.vmsCharged);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), second.vmsCharged);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(1), fixture.usageRows(vm));
		CPPUNIT_ASSERT_EQUAL(exactCost(spec, 60, 60), fixture.usageTotal(vm));
	}

	void usageRowPerHourOfLife()
	{
		BillingFixture fixture;
		std::int64_t user = fixture.addUser(100000000);
		TestVm spec;
		spec.createdAt = kStart + 17;
		std::string vm = fixture.addVm(user, spec);
		billing::Meter meter = makeMeter(fixture, fixture.store());

		const std::int64_t end = kStart + 3 * 3600 + 120;
		for (std::int64_t at = kStart + 60; at <= end; at += 60)
			meter.charge(at);

		// Each pass charges from the previous one, and a period belongs to the hour of the VM's life it starts in. So
		// the period [kStart + 3600, kStart + 3660) still belongs to the first hour, which began at kStart + 17.
		std::int64_t created = spec.createdAt;
		std::vector<testing::UsageHour> expected = {{created, created, kStart + 3660},
			{created + 3600, kStart + 3660, kStart + 7260}, {created + 7200, kStart + 7260, kStart + 10860},
			{created + 10800, kStart + 10860, end}};
		CPPUNIT_ASSERT(expected == fixture.usageHours(vm));
		CPPUNIT_ASSERT_EQUAL(exactCost(spec, end - created, end - created), fixture.usageTotal(vm));
		CPPUNIT_ASSERT_EQUAL(100000000 - exactCost(spec, end - created, end - created), fixture.balance(user));
		CPPUNIT_ASSERT_EQUAL(std::string(), fixture.ledgerInconsistency(user));
	}

	void networkRateFromLastHour()
	{
		BillingFixture fixture;
		std::int64_t user = fixture.addUser(100000000);
		TestVm spec;
		spec.createdAt = kStart;
		std::string vm = fixture.addVm(user, spec);
		pricing::PriceList prices;
		prices.networkPerTb = 2000000;
		auto pricing = std::make_shared<providers::StaticPricingProvider>(prices);
		billing::Meter meter(fixture.database(), fixture.store(), pricing, nullptr, {});

		// 10 GB a minute for 90 minutes: 0.02 USD a minute, 1.20 USD an hour.
		for (int minute = 1; minute <= 90; ++minute)
		{
			Poco::Int64 bytes = minute * 10000000000LL;
			Poco::Int64 at = kStart + minute * 60;
			std::string id = vm;
			fixture.database().session() << "INSERT INTO vm_network_usage (vm_id, tx_bytes, reported_at) VALUES "
											"($1, $2, $3) ON CONFLICT (vm_id) DO UPDATE SET tx_bytes = excluded.tx_bytes",
				use(id), use(bytes), use(at), now;
			meter.charge(at);
		}

		// Both rows end within the last hour; together they cover 90 minutes at the same rate.
		std::vector<billing::VmSpend> spend = fixture.database().transaction([&](Poco::Data::Session& session) {
			return fixture.store()->currentSpend(session, user, kStart + 90 * 60, "");
		});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), spend.size());
		CPPUNIT_ASSERT_EQUAL(util::Micros(1200000), spend[0].networkPerHour);

		// Two hours later no row ends within the last hour.
		spend = fixture.database().transaction([&](Poco::Data::Session& session) {
			return fixture.store()->currentSpend(session, user, kStart + 210 * 60, "");
		});
		CPPUNIT_ASSERT_EQUAL(util::Micros(0), spend[0].networkPerHour);
	}

	void manyStatusChangesInOneChunk()
	{
		BillingFixture fixture;
		TestVm spec;
		spec.createdAt = kStart;
		std::vector<std::string> changed;
		std::vector<std::string> unchanged;
		for (int i = 0; i < 3; ++i)
		{
			std::int64_t user = fixture.addUser(100000000);
			changed.push_back(fixture.addVm(user, spec));
			changed.push_back(fixture.addVm(user, spec));
			unchanged.push_back(fixture.addVm(user, spec));
		}
		billing::Meter meter = makeMeter(fixture, fixture.store());
		meter.charge(kStart + 60);

		// More VMs change than are read one by one, so their history comes from the query over the users' VMs.
		for (const std::string& vm : changed)
		{
			fixture.setStatus(vm, "stopping", kStart + 90);
			fixture.setStatus(vm, "stopped", kStart + 100);
		}
		meter.charge(kStart + 120);
		meter.charge(kStart + 180);

		for (const std::string& vm : changed)
			CPPUNIT_ASSERT_EQUAL(exactCost(spec, 100, 180), fixture.usageTotal(vm));
		for (const std::string& vm : unchanged)
			CPPUNIT_ASSERT_EQUAL(exactCost(spec, 180, 180), fixture.usageTotal(vm));
	}

	void crashedTickChargedOnce()
	{
		BillingFixture fixture;
		std::vector<std::pair<std::int64_t, std::string>> vms;
		TestVm spec;
		spec.createdAt = kStart;
		for (int i = 0; i < 6; ++i)
		{
			std::int64_t user = fixture.addUser(100000000);
			vms.emplace_back(user, fixture.addVm(user, spec));
		}
		auto failing = std::make_shared<testing::FailingBillingStore>(fixture.store());
		billing::MeterOptions options;
		options.chunkVms = 2;
		billing::Meter meter = makeMeter(fixture, failing, nullptr, options);

		meter.charge(kStart + 60);
		// The second chunk of the next tick fails after writing its cursors, ledger rows and usage rows, before commit.
		failing->failAddUsageAfter(1);
		CPPUNIT_ASSERT_THROW(meter.charge(kStart + 120), std::runtime_error);
		meter.charge(kStart + 180);

		for (const auto& [user, vm] : vms)
		{
			CPPUNIT_ASSERT_EQUAL(exactCost(spec, 180, 180), fixture.usageTotal(vm));
			CPPUNIT_ASSERT_EQUAL(std::int64_t(180), fixture.coveredSeconds(vm));
			CPPUNIT_ASSERT_EQUAL(100000000 - exactCost(spec, 180, 180), fixture.balance(user));
			CPPUNIT_ASSERT_EQUAL(std::string(), fixture.ledgerInconsistency(user));
		}
	}

	void concurrentMetersChargeOnce()
	{
		BillingFixture fixture;
		std::vector<std::pair<std::int64_t, std::string>> vms;
		TestVm spec;
		spec.createdAt = kStart;
		for (int i = 0; i < 12; ++i)
		{
			std::int64_t user = fixture.addUser(1000000000);
			vms.emplace_back(user, fixture.addVm(user, spec));
			vms.emplace_back(user, fixture.addVm(user, spec));
		}
		const int ticks = 60;
		auto run = [&] {
			billing::MeterOptions options;
			options.chunkVms = 4;
			billing::Meter meter = makeMeter(fixture, fixture.store(), nullptr, options);
			for (int tick = 1; tick <= ticks; ++tick)
				meter.charge(kStart + tick * 60);
		};
		std::thread first(run);
		std::thread second(run);
		first.join();
		second.join();

		for (const auto& [user, vm] : vms)
		{
			CPPUNIT_ASSERT_EQUAL(exactCost(spec, ticks * 60, ticks * 60), fixture.usageTotal(vm));
			CPPUNIT_ASSERT_EQUAL(std::int64_t(ticks * 60), fixture.coveredSeconds(vm));
			CPPUNIT_ASSERT_EQUAL(std::string(), fixture.ledgerInconsistency(user));
		}
	}

	void staleCursorRejected()
	{
		BillingFixture fixture;
		std::int64_t user = fixture.addUser(100000000);
		TestVm spec;
		spec.createdAt = kStart;
		std::string vm = fixture.addVm(user, spec);
		billing::Meter meter = makeMeter(fixture, fixture.store());
		meter.charge(kStart + 60);

		// A writer that computed its charge from the cursor before that pass must not move it.
		billing::CursorAdvance stale{vm, kStart, billing::ChargeCursor{kStart + 120, 120, 120, 0}};
		CPPUNIT_ASSERT_THROW(fixture.database().transaction([&](Poco::Data::Session& session) {
			fixture.store()->advanceCursors(session, {stale});
		}),
			billing::CursorConflict);
		billing::CursorAdvance missing{vm, std::nullopt, billing::ChargeCursor{kStart + 120, 120, 120, 0}};
		CPPUNIT_ASSERT_THROW(fixture.database().transaction([&](Poco::Data::Session& session) {
			fixture.store()->advanceCursors(session, {missing});
		}),
			billing::CursorConflict);
	}

	void zeroBalanceStopsRunningVms()
	{
		BillingFixture fixture;
		std::int64_t user = fixture.addUser(1000000);  // $1
		TestVm spec;
		spec.gpuHourlyRate = 30000000;  // $30/h: $0.50 a minute
		spec.storageHourlyRate = 600000;
		spec.createdAt = kStart;
		std::string running = fixture.addVm(user, spec);
		TestVm stoppedSpec = spec;
		stoppedSpec.status = "stopped";
		std::string stopped = fixture.addVm(user, stoppedSpec);
		auto control = std::make_shared<RecordingVmControl>();
		billing::Meter meter = makeMeter(fixture, fixture.store(), control);

		meter.charge(kStart + 60);
		CPPUNIT_ASSERT(control->calls().empty());
		meter.charge(kStart + 120);

		std::vector<RecordingVmControl::Call> calls = control->calls();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), calls.size());
		CPPUNIT_ASSERT_EQUAL(std::string("stop"), calls[0].operation);
		CPPUNIT_ASSERT_EQUAL(running, calls[0].vmId);
		CPPUNIT_ASSERT(calls[0].reason.find("balance") != std::string::npos);

		// Once stopped, the VMs keep paying for storage and are neither stopped again nor destroyed.
		fixture.setStatus(running, "stopped", kStart + 130);
		util::Micros before = fixture.balance(user);
		meter.charge(kStart + 3600);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), control->calls().size());
		CPPUNIT_ASSERT(fixture.balance(user) < before);
		CPPUNIT_ASSERT_EQUAL(exactCost(stoppedSpec, 0, 3600), fixture.usageTotal(stopped));
		CPPUNIT_ASSERT_EQUAL(std::string(), fixture.ledgerInconsistency(user));
	}

	void debtDestroysOnlyWhenEnabled()
	{
		BillingFixture fixture;
		std::int64_t user = fixture.addUser(100000);
		TestVm spec;
		spec.status = "stopped";
		spec.storageHourlyRate = 6000000;  // $0.10 a minute
		spec.createdAt = kStart;
		std::string vm = fixture.addVm(user, spec);
		auto control = std::make_shared<RecordingVmControl>();
		billing::MeterOptions options;
		options.destroyWhenInDebt = true;
		options.debtGraceSeconds = 3600;
		billing::Meter meter = makeMeter(fixture, fixture.store(), control, options);

		meter.charge(kStart + 60);  // in debt from here
		meter.charge(kStart + 60 + 3599);
		CPPUNIT_ASSERT(control->calls().empty());
		meter.charge(kStart + 60 + 3600);

		std::vector<RecordingVmControl::Call> calls = control->calls();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), calls.size());
		CPPUNIT_ASSERT_EQUAL(std::string("destroy"), calls[0].operation);
		CPPUNIT_ASSERT_EQUAL(vm, calls[0].vmId);

		auto defaults = std::make_shared<RecordingVmControl>();
		billing::Meter keeper = makeMeter(fixture, fixture.store(), defaults);
		keeper.charge(kStart + 30 * 24 * 3600);
		CPPUNIT_ASSERT(defaults->calls().empty());
	}

	void ledgerConsistentAfterSimulation()
	{
		BillingFixture fixture;
		std::vector<std::int64_t> users;
		std::vector<std::string> vms;
		for (int i = 0; i < 5; ++i)
		{
			users.push_back(fixture.addUser(5000000 * (i + 1)));
			for (int j = 0; j <= i % 3; ++j)
			{
				TestVm spec;
				spec.gpuHourlyRate = 700001 * (j + 1);
				spec.createdAt = kStart + 7 * j;
				vms.push_back(fixture.addVm(users.back(), spec));
			}
		}
		billing::Meter meter = makeMeter(fixture, fixture.store());
		billing::BillingAccounts accounts(fixture.database(), fixture.store(), std::make_shared<testing::ManualClock>(kStart));
		const char* cycle[] = {"stopping", "stopped", "starting", "running"};
		for (int tick = 1; tick <= 600; ++tick)
		{
			std::int64_t now = kStart + tick * 60;
			if (tick % 37 == 0)
				fixture.setStatus(vms[tick % vms.size()], cycle[(tick / 37) % 4], now - 13);
			if (tick % 101 == 0)
				accounts.credit(billing::CreditRequest{users[tick % users.size()], 2500000, billing::kEntryCredit,
					"Top-up", std::nullopt, "cli"});
			meter.charge(now);
		}
		for (std::int64_t user : users)
			CPPUNIT_ASSERT_EQUAL(std::string(), fixture.ledgerInconsistency(user));
	}

	void leaseHeldByOneServer()
	{
		BillingFixture fixture;
		auto store = fixture.store();
		auto acquire = [&](const std::string& holder, std::int64_t now) {
			return fixture.database().transaction([&](Poco::Data::Session& session) {
				return store->acquireLease(session, "billing-meter", holder, now, now + 180);
			});
		};
		CPPUNIT_ASSERT(acquire("a", kStart));
		CPPUNIT_ASSERT(!acquire("b", kStart + 60));
		CPPUNIT_ASSERT(acquire("a", kStart + 60));
		CPPUNIT_ASSERT(!acquire("b", kStart + 239));
		CPPUNIT_ASSERT(acquire("b", kStart + 240));
		fixture.database().transaction([&](Poco::Data::Session& session) { store->releaseLease(session, "billing-meter", "b"); });
		CPPUNIT_ASSERT(acquire("a", kStart + 241));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(BillingMeterTest);
