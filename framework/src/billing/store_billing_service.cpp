#include "billing/store_billing_service.h"

#include <algorithm>
#include <stdexcept>

#include <Poco/JSON/Object.h>

#include "billing/charge_recorder.h"
#include "http/api_error.h"
#include "http/response.h"
#include "http/validation.h"
#include "util/random.h"

namespace gpucloud::billing
{

namespace
{

constexpr int kSettleAttempts = 3;

std::string dollars(util::Micros amount)
{
	return "$" + util::formatDollars(amount);
}

} // namespace

StoreBillingService::StoreBillingService(std::shared_ptr<BillingStore> store,
	std::shared_ptr<pricing::PricingProvider> pricing, std::shared_ptr<const Clock> clock)
	: _store(std::move(store)), _pricing(std::move(pricing)), _clock(std::move(clock))
{
}

std::string StoreBillingService::admitNewVm(Poco::Data::Session& session, const NewVmCharge& charge)
{
	std::optional<Account> account = _store->account(session, charge.userId);
	if (!account)
		throw std::invalid_argument("User " + std::to_string(charge.userId) + " does not exist");
	std::int64_t now = _clock->now();

	util::Micros hourly = charge.hourlyCost();
	util::Micros spending = 0;
	for (const VmSpend& vm : _store->currentSpend(session, charge.userId, now, charge.vmId))
		spending += vm.gpuPerHour + vm.storagePerHour;
	if (spending + hourly > account->maxHourlySpend)
	{
		throw http::forbidden("Hourly spend limit exceeded: with this VM your VMs would cost " + dollars(spending + hourly)
			+ " per hour, above your limit of " + dollars(account->maxHourlySpend) + " per hour");
	}

	bool reserved = charge.rentalType == pricing::RentalType::Reserved;
	util::Micros monthlyCost = hourly * kHoursPerMonth;
	util::Micros required = reserved ? monthlyCost : hourly;
	if (account->balance < required)
	{
		throw http::badRequest("Insufficient balance. Required: " + dollars(required) + ", Available: "
			+ dollars(account->balance));
	}
	return reserved ? takeDeposit(session, charge, monthlyCost, now) : std::string();
}

std::string StoreBillingService::takeDeposit(Poco::Data::Session& session, const NewVmCharge& charge,
	util::Micros monthlyCost, std::int64_t now)
{
	Reservation reservation;
	reservation.id = util::uuid4();
	reservation.userId = charge.userId;
	if (_store->vm(session, charge.vmId))
		reservation.vmId = charge.vmId;
	reservation.gpuType = charge.gpuType;
	reservation.gpuCount = charge.gpuCount;
	reservation.months = charge.reservationMonths;
	if (_pricing)
	{
		if (auto term = _pricing->prices()->term(charge.reservationMonths))
			reservation.discountPercent = term->discountPercent;
	}
	reservation.monthlyCost = monthlyCost;
	reservation.deposit = monthlyCost;
	reservation.depositRemaining = monthlyCost;
	reservation.startsAt = now;
	reservation.endsAt = now + static_cast<std::int64_t>(charge.reservationMonths) * kHoursPerMonth * 3600;

	Poco::JSON::Object::Ptr breakdown = http::orderedObject();
	breakdown->set("reservation_id", reservation.id);
	breakdown->set("months", reservation.months);
	breakdown->set("discount_percent", reservation.discountPercent);
	breakdown->set("monthly_cost", util::toJsonRate(monthlyCost));

	LedgerPosting posting;
	posting.id = util::uuid4();
	posting.userId = charge.userId;
	posting.type = kEntryDebit;
	posting.amount = -reservation.deposit;
	posting.description = "Deposit for a " + std::to_string(reservation.months) + "-month reservation of "
		+ std::to_string(charge.gpuCount) + " x " + charge.gpuType + " (VM " + charge.vmId + ")";
	posting.breakdown = http::toJson(breakdown);
	posting.vmId = charge.vmId;
	posting.createdAt = now;
	_store->post(session, {posting});
	_store->insertReservation(session, reservation);
	return reservation.id;
}

void StoreBillingService::settleDestroyedVm(Poco::Data::Session& session, const std::string& vmId, std::int64_t at)
{
	chargeUntil(session, vmId, at);
	std::optional<BillableVm> vm = _store->vm(session, vmId);
	if (vm && !vm->reservationId.empty())
		closeReservation(session, vm->reservationId, vmId, at);
}

void StoreBillingService::chargeUntil(Poco::Data::Session& session, const std::string& vmId, std::int64_t at)
{
	util::Micros networkPerTb = _pricing ? _pricing->prices()->networkPerTb : 0;
	ChargeRecorder recorder(*_store);
	for (int attempt = 1;; ++attempt)
	{
		std::optional<BillableVm> vm = _store->vm(session, vmId);
		if (!vm)
			throw std::invalid_argument("VM " + vmId + " does not exist");
		StatusTimelines timelines = _store->statusTimelines(session, {*vm}, at);
		std::optional<VmCharge> charge = computeCharge(*vm, timelineOf(timelines, *vm), at, networkPerTb);
		if (!charge)
			return;
		try
		{
			recorder.record(session, {PendingCharge{*vm, *charge}}, at);
			return;
		}
		catch (const CursorConflict&)
		{
			// A meter charged this VM meanwhile (PostgreSQL only: SQLite serializes writers); charge what is left.
			if (attempt >= kSettleAttempts)
				throw;
		}
	}
}

void StoreBillingService::closeReservation(Poco::Data::Session& session, const std::string& reservationId,
	const std::string& vmId, std::int64_t at)
{
	std::optional<Reservation> reservation = _store->reservation(session, reservationId);
	if (!reservation || reservation->cancelledAt)
		return;

	bool early = at < reservation->endsAt;
	std::int64_t unusedSeconds = early ? reservation->endsAt - at : 0;
	util::Micros fee = util::mulDiv(reservation->monthlyCost, kCancellationFeePercent * unusedSeconds,
		100 * kHoursPerMonth * 3600);
	util::Micros fromDeposit = std::min(fee, reservation->depositRemaining);
	util::Micros fromBalance = fee - fromDeposit;
	util::Micros refund = reservation->depositRemaining - fromDeposit;
	_store->closeReservation(session, reservationId, early ? std::optional<std::int64_t>(at) : std::nullopt, fee);

	std::vector<LedgerPosting> postings;
	if (fee > 0)
	{
		Poco::JSON::Object::Ptr breakdown = http::orderedObject();
		breakdown->set("reservation_id", reservationId);
		breakdown->set("unused_seconds", static_cast<Poco::Int64>(unusedSeconds));
		breakdown->set("fee", util::toJsonRate(fee));
		breakdown->set("from_deposit", util::toJsonRate(fromDeposit));
		breakdown->set("from_balance", util::toJsonRate(fromBalance));
		postings.push_back(LedgerPosting{util::uuid4(), reservation->userId, kEntryDebit, -fromBalance,
			"Cancellation fee of reservation " + reservationId + ": 25% of the unused term", http::toJson(breakdown),
			vmId, at});
	}
	if (refund > 0)
	{
		Poco::JSON::Object::Ptr breakdown = http::orderedObject();
		breakdown->set("reservation_id", reservationId);
		breakdown->set("deposit_returned", util::toJsonRate(refund));
		postings.push_back(LedgerPosting{util::uuid4(), reservation->userId, kEntryRefund, refund,
			"Unused deposit of reservation " + reservationId + " returned", http::toJson(breakdown), vmId, at});
	}
	_store->post(session, postings);
}

} // namespace gpucloud::billing
