#include "pricing/pricing_provider.h"

namespace gpucloud::pricing
{

const char* rentalTypeName(RentalType type)
{
	switch (type)
	{
	case RentalType::OnDemand: return "on_demand";
	case RentalType::Interruptible: return "interruptible";
	case RentalType::Reserved: return "reserved";
	}
	return "on_demand";
}

std::optional<RentalType> parseRentalType(const std::string& name)
{
	if (name == "on_demand")
		return RentalType::OnDemand;
	if (name == "interruptible")
		return RentalType::Interruptible;
	if (name == "reserved")
		return RentalType::Reserved;
	return std::nullopt;
}

std::optional<ReservationTerm> PriceList::term(int months) const
{
	for (const ReservationTerm& candidate : reservationTerms)
	{
		if (candidate.months == months)
			return candidate;
	}
	return std::nullopt;
}

std::optional<util::Micros> PriceList::gpuRate(const std::string& gpuType, RentalType type, int months) const
{
	auto onDemand = onDemandPerGpuHour.find(gpuType);
	if (onDemand == onDemandPerGpuHour.end())
		return std::nullopt;

	switch (type)
	{
	case RentalType::OnDemand: return onDemand->second;
	case RentalType::Interruptible:
	{
		auto interruptible = interruptiblePerGpuHour.find(gpuType);
		if (interruptible == interruptiblePerGpuHour.end())
			return std::nullopt;
		return interruptible->second;
	}
	case RentalType::Reserved:
	{
		auto reservation = term(months);
		if (!reservation)
			return std::nullopt;
		return util::mulDiv(onDemand->second, 100 - reservation->discountPercent, 100);
	}
	}
	return std::nullopt;
}

} // namespace gpucloud::pricing
