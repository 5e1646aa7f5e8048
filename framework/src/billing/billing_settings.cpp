#include "billing/billing_settings.h"

namespace gpucloud::billing
{

BillingSettings readBillingSettings(config::ConfigSection& section)
{
	using std::chrono::seconds;
	BillingSettings settings;
	settings.store = section.getString("store", settings.store);
	settings.meterEnabled = section.getBool("meter_enabled", settings.meterEnabled);
	settings.meterInterval = section.getSeconds("meter_interval", settings.meterInterval, seconds(1), seconds(3600));
	settings.meterChunkVms = static_cast<std::size_t>(
		section.getInt("meter_chunk_vms", static_cast<std::int64_t>(settings.meterChunkVms), 1, 100000));
	settings.destroyWhenInDebt = section.getBool("destroy_when_in_debt", settings.destroyWhenInDebt);
	settings.debtGracePeriod = section.getSeconds("debt_grace_period", settings.debtGracePeriod, seconds(0),
		seconds(365LL * 24 * 3600));
	return settings;
}

} // namespace gpucloud::billing
