#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include <Poco/Data/Session.h>

#include "billing/billing_store.h"
#include "billing/charge_calculator.h"
#include "util/uuid7.h"

namespace gpucloud::billing
{

/// A VM's charge waiting to be recorded.
struct PendingCharge
{
	BillableVm vm;
	VmCharge charge;
};

/// The changes made by recording a set of charges.
struct RecordedCharges
{
	std::map<std::int64_t, LedgerEntry> entries;       ///< per user whose balance changed
	std::map<std::string, util::Micros> depositsLeft;  ///< per reservation that paid a part, what it has left
	util::Micros total = 0;                            ///< every charge, deposits included
	std::size_t usageRecords = 0;
};

/// Writes charges: moves the cursors (conditionally), takes what reserved VMs owe from their deposits, debits the
/// rest from each user's balance with one ledger row per user, and inserts one usage row per VM and period. All on
/// the caller's session and transaction, so that a failure anywhere leaves nothing behind. Not thread-safe.
class ChargeRecorder
{
public:
	explicit ChargeRecorder(BillingStore& store);

	/// Records `charges` at `now`. Throws CursorConflict when another writer charged one of the VMs first; the
	/// caller must roll back and start over with fresh cursors.
	RecordedCharges record(Poco::Data::Session& session, const std::vector<PendingCharge>& charges, std::int64_t now);

private:
	std::map<std::string, util::Micros> takeFromDeposits(Poco::Data::Session& session,
		const std::vector<PendingCharge>& charges, RecordedCharges& recorded);

	BillingStore& _store;
	util::Uuid7Generator _ids;
};

} // namespace gpucloud::billing
