#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "util/money.h"

namespace gpucloud::pricing
{

enum class RentalType
{
	OnDemand,
	Interruptible,
	Reserved,
};

/// Returns "on_demand", "interruptible" or "reserved".
const char* rentalTypeName(RentalType type);

/// Parses the API spelling; nullopt for anything else.
std::optional<RentalType> parseRentalType(const std::string& name);

/// A reservation term: months and the discount on the GPU part of the rate.
struct ReservationTerm
{
	int months = 1;
	int discountPercent = 0;
};

/// The complete price list at one moment. Immutable once built, so readers share it without locks.
struct PriceList
{
	std::map<std::string, util::Micros> onDemandPerGpuHour;       ///< GPU type -> rate per GPU-hour
	std::map<std::string, util::Micros> interruptiblePerGpuHour;  ///< GPU type -> rate per GPU-hour
	std::vector<ReservationTerm> reservationTerms;                ///< ordered by months
	util::Micros storagePerGbHour = 0;
	util::Micros networkPerTb = 0;
	std::chrono::system_clock::time_point updatedAt;

	/// Returns the per-GPU hourly rate for a rental type; for Reserved the discounted on-demand rate of `months`.
	/// nullopt when the GPU type has no price or the term does not exist.
	std::optional<util::Micros> gpuRate(const std::string& gpuType, RentalType type, int months = 0) const;

	/// Returns the term of `months`, or nullopt.
	std::optional<ReservationTerm> term(int months) const;
};

/// Source of prices. The default provider reads static tables from configuration.
class PricingProvider
{
public:
	virtual ~PricingProvider() = default;

	/// Returns the current price list. Thread-safe and cheap: called on every /search and /pricing request.
	virtual std::shared_ptr<const PriceList> prices() const = 0;
};

} // namespace gpucloud::pricing
