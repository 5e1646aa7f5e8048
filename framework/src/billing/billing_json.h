#pragma once

#include <cstdint>
#include <vector>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "billing/billing_accounts.h"

namespace gpucloud::billing
{

/// A ledger row as GET /billing/transactions shows it.
Poco::JSON::Object::Ptr transactionJson(const LedgerEntry& entry);

/// The body of GET /billing/usage.
Poco::JSON::Object::Ptr usageReportJson(const UsageReport& report);

/// The body of GET /billing/current-spend.
Poco::JSON::Object::Ptr currentSpendJson(const std::vector<VmSpend>& vms, std::int64_t now);

} // namespace gpucloud::billing
