#pragma once

#include <memory>

#include "billing/billing_service.h"
#include "billing/billing_store.h"
#include "billing/clock.h"
#include "pricing/pricing_provider.h"

namespace gpucloud::billing
{

/// The billing rules of VM creation and destruction, on a BillingStore. Thread-safe: it keeps no state between
/// calls, and each call works on the caller's session.
class StoreBillingService : public BillingService
{
public:
	/// `pricing` supplies reservation discounts and the network rate; it may be null (no discount, no network charge).
	StoreBillingService(std::shared_ptr<BillingStore> store, std::shared_ptr<pricing::PricingProvider> pricing,
		std::shared_ptr<const Clock> clock);

	std::string admitNewVm(Poco::Data::Session& session, const NewVmCharge& charge) override;
	void settleDestroyedVm(Poco::Data::Session& session, const std::string& vmId, std::int64_t at) override;

	/// Hours in a reservation month: the monthly cost is this many hours of the reserved rate.
	static constexpr std::int64_t kHoursPerMonth = 730;

	/// Percent of the unused reserved time's cost charged when a reservation ends early.
	static constexpr std::int64_t kCancellationFeePercent = 25;

private:
	std::string takeDeposit(Poco::Data::Session& session, const NewVmCharge& charge, util::Micros monthlyCost,
		std::int64_t now);
	void chargeUntil(Poco::Data::Session& session, const std::string& vmId, std::int64_t at);
	void closeReservation(Poco::Data::Session& session, const std::string& reservationId, const std::string& vmId,
		std::int64_t at);

	std::shared_ptr<BillingStore> _store;
	std::shared_ptr<pricing::PricingProvider> _pricing;
	std::shared_ptr<const Clock> _clock;
};

} // namespace gpucloud::billing
