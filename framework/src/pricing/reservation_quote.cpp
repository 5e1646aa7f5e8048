#include "pricing/reservation_quote.h"

namespace gpucloud::pricing
{

namespace
{

constexpr int kCancellationFeePercent = 25;

} // namespace

std::optional<ReservationQuote> quoteReservation(const PriceList& prices, const std::string& gpuType, int gpuCount,
	int storageGb, int months)
{
	std::optional<ReservationTerm> term = prices.term(months);
	std::optional<util::Micros> gpuRate = prices.gpuRate(gpuType, RentalType::Reserved, months);
	if (!term || !gpuRate)
		return std::nullopt;

	ReservationQuote quote;
	quote.discountPercent = term->discountPercent;
	quote.gpuHourlyRate = *gpuRate;
	quote.storageHourlyRate = prices.storagePerGbHour * storageGb;
	quote.monthlyCost = kHoursPerMonth * (quote.gpuHourlyRate * gpuCount + quote.storageHourlyRate);
	quote.deposit = quote.monthlyCost;
	quote.cancellationFee = util::mulDiv(quote.monthlyCost * months, kCancellationFeePercent, 100);
	return quote;
}

} // namespace gpucloud::pricing
