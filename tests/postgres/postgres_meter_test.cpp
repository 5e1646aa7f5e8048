#include <cppunit/extensions/HelperMacros.h>

#include "billing/meter.h"
#include "postgres_fixture.h"
#include "support/billing_fixture.h"

using namespace gpucloud;
using testing::BillingFixture;
using testing::TestVm;

namespace
{

constexpr std::int64_t kStart = 1700000000;

/// The exact cost of `seconds` of a running TestVm.
util::Micros exactCost(const TestVm& vm, std::int64_t seconds)
{
	return util::mulDiv(vm.gpuHourlyRate * vm.gpuCount, seconds, 3600) + util::mulDiv(vm.storageHourlyRate, seconds, 3600);
}

} // namespace

/// The billing meter on PostgreSQL, where cursors and usage rows are written in batches of many rows per statement.
class PostgresMeterTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PostgresMeterTest);
	CPPUNIT_TEST(chargesManyVmsExactly);
	CPPUNIT_TEST(staleCursorRejected);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override { testing::resetPostgres(); }

	void chargesManyVmsExactly()
	{
		BillingFixture fixture(testing::postgresSettings());
		// More VMs than one batch of cursor updates (1,000 rows) or usage rows (400 rows) holds.
		const int users = 30;
		const int vmsPerUser = 40;
		TestVm spec;
		std::vector<std::int64_t> userIds;
		std::vector<std::string> vms;
		for (int user = 0; user < users; ++user)
		{
			userIds.push_back(fixture.addUser(1000000000));
			for (int i = 0; i < vmsPerUser; ++i)
			{
				spec.createdAt = kStart - 60 * (i % 30);
				vms.push_back(fixture.addVm(userIds.back(), spec));
			}
		}
		billing::MeterOptions options;
		options.chunkVms = 2000;
		billing::Meter meter(fixture.database(), fixture.store(), nullptr, nullptr, options);

		// Across the end of the first hour of every VM's life, not yet the second.
		const std::int64_t end = kStart + 60 + 21 * 180;
		for (std::int64_t at = kStart + 60; at <= end; at += 180)
			meter.charge(at);
		billing::MeterReport repeated = meter.charge(end);

		CPPUNIT_ASSERT_EQUAL(util::Micros(0), repeated.charged);
		for (std::size_t i = 0; i < vms.size(); ++i)
		{
			std::int64_t created = kStart - 60 * static_cast<std::int64_t>((i % vmsPerUser) % 30);
			CPPUNIT_ASSERT_EQUAL(exactCost(spec, end - created), fixture.usageTotal(vms[i]));
			CPPUNIT_ASSERT_EQUAL(end - created, fixture.coveredSeconds(vms[i]));
			CPPUNIT_ASSERT_EQUAL(std::int64_t(2), fixture.usageRows(vms[i]));
		}
		for (std::int64_t user : userIds)
			CPPUNIT_ASSERT_EQUAL(std::string(), fixture.ledgerInconsistency(user));
	}

	void staleCursorRejected()
	{
		BillingFixture fixture(testing::postgresSettings());
		std::int64_t user = fixture.addUser(100000000);
		TestVm spec;
		spec.createdAt = kStart;
		std::string first = fixture.addVm(user, spec);
		std::string second = fixture.addVm(user, spec);
		billing::Meter meter(fixture.database(), fixture.store(), nullptr, nullptr, {});
		meter.charge(kStart + 60);

		// One of two cursors moved by another writer fails the whole batch.
		billing::CursorAdvance current{first, kStart + 60, billing::ChargeCursor{kStart + 120, 120, 120, 0}};
		billing::CursorAdvance stale{second, kStart, billing::ChargeCursor{kStart + 120, 120, 120, 0}};
		CPPUNIT_ASSERT_THROW(fixture.database().transaction([&](Poco::Data::Session& session) {
			fixture.store()->advanceCursors(session, {current, stale});
		}),
			billing::CursorConflict);
		meter.charge(kStart + 120);
		CPPUNIT_ASSERT_EQUAL(exactCost(spec, 120), fixture.usageTotal(first));
		CPPUNIT_ASSERT_EQUAL(exactCost(spec, 120), fixture.usageTotal(second));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PostgresMeterTest);
