#include <cppunit/extensions/HelperMacros.h>

#include "billing/meter.h"
#include "billing/store_billing_service.h"
#include "http/api_error.h"
#include "support/billing_fixture.h"
#include "support/manual_clock.h"

using namespace gpucloud;
using testing::BillingFixture;
using testing::TestVm;

namespace
{

constexpr std::int64_t kStart = 1700000000;

billing::NewVmCharge reservedCharge(std::int64_t user, const std::string& vmId)
{
	billing::NewVmCharge charge;
	charge.userId = user;
	charge.vmId = vmId;
	charge.gpuType = "4090";
	charge.gpuCount = 2;
	charge.storageGb = 100;
	charge.rentalType = pricing::RentalType::Reserved;
	charge.reservationMonths = 1;
	charge.gpuHourlyRate = 400000;
	charge.storageHourlyRate = 10000;
	return charge;
}

} // namespace

class BillingServiceTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(BillingServiceTest);
	CPPUNIT_TEST(insufficientBalanceRejected);
	CPPUNIT_TEST(spendLimitRejected);
	CPPUNIT_TEST(onDemandAdmitted);
	CPPUNIT_TEST(reservationTakesDeposit);
	CPPUNIT_TEST(depositPaysBeforeBalance);
	CPPUNIT_TEST(earlyDestroyChargesFee);
	CPPUNIT_TEST(destroyChargesUpToDestroyTime);
	CPPUNIT_TEST(destroyChargesStopAsStorageOnly);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_fixture = std::make_unique<BillingFixture>();
		_clock = std::make_shared<testing::ManualClock>(kStart);
		_service = std::make_unique<billing::StoreBillingService>(_fixture->store(), nullptr, _clock);
	}

	void tearDown() override
	{
		_service.reset();
		_fixture.reset();
	}

	std::string admit(const billing::NewVmCharge& charge)
	{
		return _fixture->database().transaction(
			[&](Poco::Data::Session& session) { return _service->admitNewVm(session, charge); });
	}

	void insufficientBalanceRejected()
	{
		std::int64_t user = _fixture->addUser(500000);
		billing::NewVmCharge charge = reservedCharge(user, "vm-new");
		charge.rentalType = pricing::RentalType::OnDemand;
		try
		{
			admit(charge);
			CPPUNIT_FAIL("admitNewVm accepted a VM the balance cannot pay for an hour");
		}
		catch (const http::ApiError& error)
		{
			CPPUNIT_ASSERT_EQUAL(400, error.status());
			CPPUNIT_ASSERT_EQUAL(std::string("Insufficient balance. Required: $0.81, Available: $0.50"), error.detail());
		}
	}

	void spendLimitRejected()
	{
		std::int64_t user = _fixture->addUser(100000000, 1000000);
		TestVm existing;
		existing.gpuHourlyRate = 500000;
		existing.storageHourlyRate = 10000;
		existing.createdAt = kStart;
		_fixture->addVm(user, existing);
		billing::NewVmCharge charge = reservedCharge(user, "vm-new");
		charge.rentalType = pricing::RentalType::OnDemand;
		charge.gpuCount = 1;  // $0.41/h on top of $0.51/h: under $1
		CPPUNIT_ASSERT_EQUAL(std::string(), admit(charge));
		charge.gpuCount = 2;  // $0.81/h on top: over
		try
		{
			admit(charge);
			CPPUNIT_FAIL("admitNewVm accepted a VM over the hourly spend limit");
		}
		catch (const http::ApiError& error)
		{
			CPPUNIT_ASSERT_EQUAL(403, error.status());
			CPPUNIT_ASSERT(error.detail().find("Hourly spend limit exceeded") == 0);
		}
	}

	void onDemandAdmitted()
	{
		std::int64_t user = _fixture->addUser(810000);
		billing::NewVmCharge charge = reservedCharge(user, "vm-new");
		charge.rentalType = pricing::RentalType::OnDemand;
		CPPUNIT_ASSERT_EQUAL(std::string(), admit(charge));
		CPPUNIT_ASSERT_EQUAL(util::Micros(810000), _fixture->balance(user));
	}

	void reservationTakesDeposit()
	{
		std::int64_t user = _fixture->addUser(1000000000);
		std::string reservationId = admit(reservedCharge(user, "vm-new"));

		util::Micros deposit = 730 * 810000;
		CPPUNIT_ASSERT(!reservationId.empty());
		CPPUNIT_ASSERT_EQUAL(1000000000 - deposit, _fixture->balance(user));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _fixture->ledgerRows(user, billing::kEntryDebit));
		auto reservation = reservationRow(reservationId);
		CPPUNIT_ASSERT_EQUAL(deposit, reservation.deposit);
		CPPUNIT_ASSERT_EQUAL(deposit, reservation.depositRemaining);
		CPPUNIT_ASSERT_EQUAL(kStart + 730 * 3600, reservation.endsAt);
		CPPUNIT_ASSERT_EQUAL(std::string(), _fixture->ledgerInconsistency(user));
	}

	void depositPaysBeforeBalance()
	{
		std::int64_t user = _fixture->addUser(1000000000);
		std::string reservationId = admit(reservedCharge(user, "vm-new"));
		std::string vm = addReservedVm(user, reservationId);
		util::Micros balance = _fixture->balance(user);
		billing::Meter meter(_fixture->database(), _fixture->store(), nullptr, nullptr, {});

		meter.charge(kStart + 3600);

		CPPUNIT_ASSERT_EQUAL(balance, _fixture->balance(user));
		CPPUNIT_ASSERT_EQUAL(730 * 810000 - util::Micros(810000), reservationRow(reservationId).depositRemaining);
		CPPUNIT_ASSERT_EQUAL(util::Micros(810000), _fixture->usageTotal(vm));
	}

	void earlyDestroyChargesFee()
	{
		std::int64_t user = _fixture->addUser(1000000000);
		std::string reservationId = admit(reservedCharge(user, "vm-new"));
		std::string vm = addReservedVm(user, reservationId);
		billing::Meter meter(_fixture->database(), _fixture->store(), nullptr, nullptr, {});
		meter.charge(kStart + 3600);
		util::Micros balance = _fixture->balance(user);

		std::int64_t destroyedAt = kStart + 7200;
		_fixture->setStatus(vm, "destroyed", destroyedAt);
		_fixture->database().transaction(
			[&](Poco::Data::Session& session) { _service->settleDestroyedVm(session, vm, destroyedAt); });

		util::Micros deposit = 730 * 810000;
		util::Micros remaining = deposit - 2 * 810000;
		util::Micros fee = util::mulDiv(deposit, 25 * (730 * 3600 - 7200), 100 * 730 * 3600);
		billing::Reservation closed = reservationRow(reservationId);
		CPPUNIT_ASSERT(closed.cancelledAt.has_value());
		CPPUNIT_ASSERT_EQUAL(destroyedAt, *closed.cancelledAt);
		CPPUNIT_ASSERT_EQUAL(fee, *closed.cancellationFee);
		CPPUNIT_ASSERT_EQUAL(util::Micros(0), closed.depositRemaining);
		// The fee comes out of the deposit; what is left of it is refunded.
		CPPUNIT_ASSERT_EQUAL(balance + remaining - fee, _fixture->balance(user));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(1), _fixture->ledgerRows(user, billing::kEntryRefund));
		CPPUNIT_ASSERT_EQUAL(std::string(), _fixture->ledgerInconsistency(user));

		// Settling again changes nothing.
		util::Micros settled = _fixture->balance(user);
		_fixture->database().transaction(
			[&](Poco::Data::Session& session) { _service->settleDestroyedVm(session, vm, destroyedAt); });
		CPPUNIT_ASSERT_EQUAL(settled, _fixture->balance(user));
	}

	void destroyChargesStopAsStorageOnly()
	{
		std::int64_t user = _fixture->addUser(100000000);
		TestVm spec;
		spec.createdAt = kStart;
		std::string vm = _fixture->addVm(user, spec);
		billing::Meter meter(_fixture->database(), _fixture->store(), nullptr, nullptr, {});
		meter.charge(kStart + 60);

		// GPU time ends at the stop (90 s in all) and storage at the destroy (150 s).
		_fixture->setStatus(vm, "stopped", kStart + 90);
		_fixture->setStatus(vm, "destroyed", kStart + 150);
		_fixture->database().transaction(
			[&](Poco::Data::Session& session) { _service->settleDestroyedVm(session, vm, kStart + 150); });

		util::Micros expected = util::mulDiv(spec.gpuHourlyRate, 90, 3600) + util::mulDiv(spec.storageHourlyRate, 150, 3600);
		CPPUNIT_ASSERT_EQUAL(expected, _fixture->usageTotal(vm));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(150), _fixture->coveredSeconds(vm));
	}

	void destroyChargesUpToDestroyTime()
	{
		std::int64_t user = _fixture->addUser(100000000);
		TestVm spec;
		spec.createdAt = kStart;
		std::string vm = _fixture->addVm(user, spec);
		billing::Meter meter(_fixture->database(), _fixture->store(), nullptr, nullptr, {});
		meter.charge(kStart + 60);

		_fixture->setStatus(vm, "destroyed", kStart + 90);
		_fixture->database().transaction(
			[&](Poco::Data::Session& session) { _service->settleDestroyedVm(session, vm, kStart + 90); });
		meter.charge(kStart + 600);

		util::Micros expected = util::mulDiv(spec.gpuHourlyRate, 90, 3600) + util::mulDiv(spec.storageHourlyRate, 90, 3600);
		CPPUNIT_ASSERT_EQUAL(expected, _fixture->usageTotal(vm));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(90), _fixture->coveredSeconds(vm));
	}

private:
	std::string addReservedVm(std::int64_t user, const std::string& reservationId)
	{
		TestVm spec;
		spec.gpuCount = 2;
		spec.gpuHourlyRate = 400000;
		spec.storageHourlyRate = 10000;
		spec.createdAt = kStart;
		spec.rentalType = "reserved";
		spec.reservationId = reservationId;
		return _fixture->addVm(user, spec);
	}

	billing::Reservation reservationRow(const std::string& id)
	{
		Poco::Data::Session session = _fixture->database().session();
		return *_fixture->store()->reservation(session, id);
	}

	std::unique_ptr<BillingFixture> _fixture;
	std::shared_ptr<testing::ManualClock> _clock;
	std::unique_ptr<billing::StoreBillingService> _service;
};

CPPUNIT_TEST_SUITE_REGISTRATION(BillingServiceTest);
