#pragma once

#include <string>

#include "pricing/pricing_provider.h"

namespace gpucloud::pricing
{

/// Hours in the month of a reservation and of monthly prices.
constexpr int kHoursPerMonth = 730;

/// The cost of a reservation, in exact micro-dollars.
struct ReservationQuote
{
	int discountPercent = 0;
	util::Micros gpuHourlyRate = 0;      ///< per GPU, after the discount
	util::Micros storageHourlyRate = 0;  ///< for the whole disk
	util::Micros monthlyCost = 0;        ///< 730 hours of the GPUs and the disk
	util::Micros deposit = 0;            ///< one monthly cost, taken when the reservation starts
	util::Micros cancellationFee = 0;    ///< 25% of the unused reserved time, which at quote time is the whole term
};

/// Computes the quote for `gpuCount` GPUs of `gpuType` and `storageGb` of disk for `months`. The discount applies to
/// the GPU rate only. Returns nullopt when the GPU type has no price or the term does not exist.
std::optional<ReservationQuote> quoteReservation(const PriceList& prices, const std::string& gpuType, int gpuCount,
	int storageGb, int months);

} // namespace gpucloud::pricing
