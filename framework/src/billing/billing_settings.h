#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "config/config_section.h"

namespace gpucloud::billing
{

/// `[billing]`
struct BillingSettings
{
	std::string store = "sql";               ///< billing storage implementation
	bool meterEnabled = true;                ///< false: this server never runs the meter (another one does)
	std::chrono::seconds meterInterval{60};  ///< time between meter ticks
	std::size_t meterChunkVms = 10000;       ///< VMs per meter transaction (whole users, so a chunk may exceed it)
	bool destroyWhenInDebt = false;          ///< destroy the VMs of accounts in debt past the grace period
	std::chrono::seconds debtGracePeriod{7 * 24 * 3600};  ///< time in debt before VMs are destroyed
};

BillingSettings readBillingSettings(config::ConfigSection& section);

} // namespace gpucloud::billing
