#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "billing/billing_store.h"
#include "billing/clock.h"
#include "db/database.h"

namespace gpucloud::billing
{

/// A usage report over whole UTC days.
struct UsageReport
{
	std::int64_t from = 0;  ///< first second of the first day
	std::int64_t to = 0;    ///< first second after the last day
	Page<UsageRecord> logs;
	std::vector<VmUsageSummary> vms;
	util::Micros totalCost = 0;
	std::int64_t gpuSeconds = 0;
};

/// An operator's credit or refund.
struct CreditRequest
{
	std::int64_t userId = 0;
	util::Micros amount = 0;      ///< positive
	std::string type = kEntryCredit;  ///< kEntryCredit or kEntryRefund
	std::string description;
	std::optional<std::int64_t> actorUserId;  ///< the administrator; nullopt for the operator command line
	std::string sourceAddress;                ///< client address, or "cli"
};

/// Service behind the billing endpoints: a user's balance, ledger, usage and spend, and the operator's credits. Each call runs its own transaction.
/// Thread-safe.
class BillingAccounts
{
public:
	BillingAccounts(db::Database& database, std::shared_ptr<BillingStore> store, std::shared_ptr<const Clock> clock);

	/// Returns the user's balance. Throws http::ApiError(404) for an unknown user.
	util::Micros balance(std::int64_t userId);

	Page<LedgerEntry> transactions(std::int64_t userId, std::int64_t limit, std::int64_t offset);

	/// Returns the usage rows whose period starts in [from, to), a page of them, and their sums per VM.
	UsageReport usage(std::int64_t userId, std::int64_t from, std::int64_t to, std::int64_t limit, std::int64_t offset);

	/// Returns the hourly cost of each of the user's VMs that exists now.
	std::vector<VmSpend> currentSpend(std::int64_t userId);

	/// Adds a credit or refund to the user's balance with its ledger row and an audit_log row, in one transaction.
	/// Throws http::ApiError(404) for an unknown user and std::invalid_argument for a bad amount or type.
	LedgerEntry credit(const CreditRequest& request);

	std::int64_t now() const { return _clock->now(); }

private:
	db::Database& _database;
	std::shared_ptr<BillingStore> _store;
	std::shared_ptr<const Clock> _clock;
};

} // namespace gpucloud::billing
