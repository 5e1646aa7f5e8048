#pragma once

#include <cstdint>
#include <string>

#include <Poco/Data/Session.h>

#include "pricing/pricing_provider.h"
#include "util/money.h"

namespace gpucloud::billing
{

/// The cost of a VM about to be created.
struct NewVmCharge
{
	std::int64_t userId = 0;
	std::string vmId;
	std::string gpuType;
	int gpuCount = 0;
	int storageGb = 0;
	pricing::RentalType rentalType = pricing::RentalType::OnDemand;
	int reservationMonths = 0;              ///< for Reserved
	util::Micros gpuHourlyRate = 0;         ///< per GPU, after any discount
	util::Micros storageHourlyRate = 0;     ///< for the whole disk
	util::Micros hourlyCost() const { return gpuHourlyRate * gpuCount + storageHourlyRate; }
};

/// The billing rules that VM operations must respect. Every method runs inside the caller's database transaction,
/// so the VM row, the GPU allocation and the money move together or not at all.
class BillingService
{
public:
	virtual ~BillingService() = default;

	/// Checks the account rules for a new VM and, for a reservation, takes the deposit and records the reservation.
	/// Throws http::ApiError: 403 "Hourly spend limit exceeded ..." when the user's running VMs plus this one would
	/// pass max_hourly_spend; 400 "Insufficient balance. Required: $X.XX, Available: $Y.YY" where required is one
	/// hour of the new VM's cost, or the deposit for a reservation. Returns the reservation id, or an empty string.
	virtual std::string admitNewVm(Poco::Data::Session& session, const NewVmCharge& charge) = 0;

	/// Settles a VM that is being destroyed at `at` (Unix seconds): charges the time since the last meter tick and,
	/// for a reservation that has not ended, the cancellation fee. Charges stop at `at`.
	virtual void settleDestroyedVm(Poco::Data::Session& session, const std::string& vmId, std::int64_t at) = 0;
};

} // namespace gpucloud::billing
