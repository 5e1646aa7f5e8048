#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Dynamic/Var.h>

#include "billing/amount_text.h"
#include "billing/charge_calculator.h"
#include "billing/date_range.h"

using namespace gpucloud;
using billing::BillableVm;
using billing::StatusTimeline;

class BillingChargeTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(BillingChargeTest);
	CPPUNIT_TEST(runningMinuteCharged);
	CPPUNIT_TEST(stoppedVmPaysStorageOnly);
	CPPUNIT_TEST(statusChangesSplitPeriod);
	CPPUNIT_TEST(failedVmStopsCharging);
	CPPUNIT_TEST(chargedPeriodReturnsNothing);
	CPPUNIT_TEST(minutesAddUpToExactTotal);
	CPPUNIT_TEST(networkChargedPerTerabyte);
	CPPUNIT_TEST(amountParsedExactly);
	CPPUNIT_TEST(amountRejectsBadInput);
	CPPUNIT_TEST(exactDollarsFormats);
	CPPUNIT_TEST(datesParsed);
	CPPUNIT_TEST_SUITE_END();

public:
	static BillableVm vm()
	{
		BillableVm vm;
		vm.id = "vm-1";
		vm.status = "running";
		vm.gpuCount = 2;
		vm.gpuHourlyRate = 1234567;
		vm.storageHourlyRate = 41667;
		vm.createdAt = 1000;
		return vm;
	}

	void runningMinuteCharged()
	{
		auto charge = billing::computeCharge(vm(), StatusTimeline{"running", {}}, 1060, 0);
		CPPUNIT_ASSERT(charge.has_value());
		CPPUNIT_ASSERT_EQUAL(std::int64_t(60), charge->gpuSeconds);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(60), charge->storageSeconds);
		CPPUNIT_ASSERT_EQUAL(util::mulDiv(2 * 1234567, 60, 3600), charge->gpuCost);
		CPPUNIT_ASSERT_EQUAL(util::mulDiv(41667, 60, 3600), charge->storageCost);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(1060), charge->next.chargedUntil);
	}

	void stoppedVmPaysStorageOnly()
	{
		auto charge = billing::computeCharge(vm(), StatusTimeline{"stopped", {}}, 1060, 0);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(0), charge->gpuSeconds);
		CPPUNIT_ASSERT_EQUAL(util::Micros(0), charge->gpuCost);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(60), charge->storageSeconds);
	}

	void statusChangesSplitPeriod()
	{
		StatusTimeline timeline{"running", {{1010, "stopping"}, {1025, "stopped"}, {1040, "starting"}}};
		auto charge = billing::computeCharge(vm(), timeline, 1060, 0);
		// running 10 s + stopping 15 s + starting 20 s are GPU time; stopped 15 s is not.
		CPPUNIT_ASSERT_EQUAL(std::int64_t(45), charge->gpuSeconds);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(60), charge->storageSeconds);
	}

	void failedVmStopsCharging()
	{
		StatusTimeline timeline{"running", {{1020, "failed"}}};
		auto charge = billing::computeCharge(vm(), timeline, 1060, 0);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(20), charge->gpuSeconds);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(20), charge->storageSeconds);
	}

	void chargedPeriodReturnsNothing()
	{
		BillableVm charged = vm();
		charged.cursor = billing::ChargeCursor{1060, 60, 60, 0};
		CPPUNIT_ASSERT(!billing::computeCharge(charged, StatusTimeline{"running", {}}, 1060, 0).has_value());
		CPPUNIT_ASSERT(!billing::computeCharge(charged, StatusTimeline{"running", {}}, 1000, 0).has_value());
	}

	void minutesAddUpToExactTotal()
	{
		BillableVm current = vm();
		util::Micros sum = 0;
		util::Micros naive = 0;
		const std::int64_t minutes = 3 * 24 * 60;
		for (std::int64_t minute = 1; minute <= minutes; ++minute)
		{
			auto charge = billing::computeCharge(current, StatusTimeline{"running", {}}, 1000 + minute * 60, 0);
			sum += charge->total();
			naive += util::mulDiv(2 * 1234567, 60, 3600) + util::mulDiv(41667, 60, 3600);
			current.cursor = charge->next;
		}
		util::Micros exact = util::mulDiv(2 * 1234567, minutes * 60, 3600) + util::mulDiv(41667, minutes * 60, 3600);
		CPPUNIT_ASSERT_EQUAL(exact, sum);
		// Rounding each minute on its own drifts, which is why the running totals exist.
		CPPUNIT_ASSERT(naive != exact);
	}

	void networkChargedPerTerabyte()
	{
		BillableVm sender = vm();
		sender.networkBytesReported = 500000000000;  // 0.5 TB
		auto charge = billing::computeCharge(sender, StatusTimeline{"running", {}}, 1060, 2000000);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(500000000000), charge->networkBytes);
		CPPUNIT_ASSERT_EQUAL(util::Micros(1000000), charge->networkCost);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(500000000000), charge->next.networkBytes);
	}

	void amountParsedExactly()
	{
		CPPUNIT_ASSERT_EQUAL(util::Micros(10100000), *billing::parseJsonAmount(Poco::Dynamic::Var(10.1)));
		CPPUNIT_ASSERT_EQUAL(util::Micros(123457), *billing::parseJsonAmount(Poco::Dynamic::Var(0.123457)));
		CPPUNIT_ASSERT_EQUAL(util::Micros(25000000), *billing::parseJsonAmount(Poco::Dynamic::Var(Poco::Int64(25))));
		CPPUNIT_ASSERT_EQUAL(util::Micros(10000000), *billing::parseJsonAmount(Poco::Dynamic::Var(std::string("10.00"))));
	}

	void amountRejectsBadInput()
	{
		CPPUNIT_ASSERT(!billing::parseJsonAmount(Poco::Dynamic::Var(0.1234567)).has_value());
		CPPUNIT_ASSERT(!billing::parseJsonAmount(Poco::Dynamic::Var(std::string("1e3"))).has_value());
		CPPUNIT_ASSERT(!billing::parseJsonAmount(Poco::Dynamic::Var(std::string("ten"))).has_value());
		CPPUNIT_ASSERT(!billing::parseJsonAmount(Poco::Dynamic::Var(true)).has_value());
	}

	void exactDollarsFormats()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("10.00"), billing::exactDollars(10000000));
		CPPUNIT_ASSERT_EQUAL(std::string("0.000417"), billing::exactDollars(417));
		CPPUNIT_ASSERT_EQUAL(std::string("-3.50"), billing::exactDollars(-3500000));
	}

	void datesParsed()
	{
		CPPUNIT_ASSERT_EQUAL(std::int64_t(0), *billing::parseDate("1970-01-01"));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(1709164800), *billing::parseDate("2024-02-29"));
		CPPUNIT_ASSERT(!billing::parseDate("2023-02-29").has_value());
		CPPUNIT_ASSERT(!billing::parseDate("2024-13-01").has_value());
		CPPUNIT_ASSERT(!billing::parseDate("2024-1-01").has_value());
		CPPUNIT_ASSERT(!billing::parseDate("2024-01-01T00").has_value());
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(BillingChargeTest);
