#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include <Poco/Data/Session.h>

#include "billing/billing_records.h"
#include "db/database.h"

namespace gpucloud::billing
{

/// Raised when a conditional cursor update found a cursor that another meter (or a destroy) had already moved.
/// The caller rolls its transaction back and retries with fresh cursors.
class CursorConflict : public std::runtime_error
{
public:
	using std::runtime_error::runtime_error;
};

/// Storage of balances, the ledger, usage rows, meter cursors, reservations and leases.
///
/// Every method runs on the session it is given, inside the caller's transaction, so that a balance and its ledger
/// row, or a cursor and the usage row it covers, commit together or not at all. Methods throw Poco::Data
/// exceptions for database failures. An implementation keeps no per-call state, so one instance serves every
/// thread, each with its own session.
class BillingStore
{
public:
	virtual ~BillingStore() = default;

	// Meter

	/// Returns each user that owns a VM the meter must charge, with the number of such VMs, ordered by user id. A
	/// VM is billable while it exists (neither destroyed nor failed), and a failed VM until its cursor reaches its
	/// last update.
	virtual std::vector<std::pair<std::int64_t, std::int64_t>> usersWithBillableVms(Poco::Data::Session& session) = 0;

	/// Returns the billable VMs (same rule) of the users whose ids are in [firstUserId, lastUserId], ordered by user
	/// and VM id. A range rather than a list keeps the statement small however many users a chunk holds.
	virtual std::vector<BillableVm> billableVms(Poco::Data::Session& session, std::int64_t firstUserId,
		std::int64_t lastUserId) = 0;

	/// Returns one VM in any status, for settling a destroy; nullopt when no VM has that id.
	virtual std::optional<BillableVm> vm(Poco::Data::Session& session, const std::string& vmId) = 0;

	/// Returns, for each VM whose status changed after its charge start (`statusChangedAt > chargeStart()`), its
	/// statuses from its charge start up to `end` (exclusive), read from vm_status_history. The other VMs kept their
	/// current status throughout (see timelineOf). Meant for the VMs of one chunk of users or of one user: an
	/// implementation may read the history of every VM of their users.
	virtual StatusTimelines statusTimelines(Poco::Data::Session& session, const std::vector<BillableVm>& vms,
		std::int64_t end) = 0;

	/// Moves every cursor of `advances`, each only if it still has its `from` value. Throws CursorConflict when any
	/// of them had moved; the caller must then roll back.
	virtual void advanceCursors(Poco::Data::Session& session, const std::vector<CursorAdvance>& advances) = 0;

	/// Adds the usage of each record, one charged period of a VM, to the VM's usage row for the record's
	/// `hourStart`. GPU seconds, network bytes and costs add up. The period end, the disk size and (when the record
	/// has one) the ledger entry replace the row's. Where the VM has no row for that hour yet, the record becomes it.
	virtual void addUsage(Poco::Data::Session& session, const std::vector<UsageRecord>& records) = 0;

	// Ledger and balances

	/// Adds each posting's amount to its user's balance and writes its ledger row with the balance after it, in
	/// order. Returns the rows written. Throws std::invalid_argument when a user does not exist.
	virtual std::vector<LedgerEntry> post(Poco::Data::Session& session, const std::vector<LedgerPosting>& postings) = 0;

	/// Returns the account, or nullopt for an unknown user.
	virtual std::optional<Account> account(Poco::Data::Session& session, std::int64_t userId) = 0;

	/// Returns the time of the first ledger row after the user's balance last was positive, or nullopt when the
	/// balance is positive now or the user has no ledger row.
	virtual std::optional<std::int64_t> debtSince(Poco::Data::Session& session, std::int64_t userId) = 0;

	/// Returns the user's ledger rows, newest first.
	virtual Page<LedgerEntry> ledger(Poco::Data::Session& session, std::int64_t userId, std::int64_t limit,
		std::int64_t offset) = 0;

	// Reservations

	virtual void insertReservation(Poco::Data::Session& session, const Reservation& reservation) = 0;
	virtual std::optional<Reservation> reservation(Poco::Data::Session& session, const std::string& id) = 0;

	/// Returns the remaining deposit of each reservation of `ids`; ids without a reservation are missing.
	virtual std::map<std::string, util::Micros> depositsRemaining(Poco::Data::Session& session,
		const std::vector<std::string>& ids) = 0;

	/// Subtracts each amount from its reservation's remaining deposit.
	virtual void consumeDeposits(Poco::Data::Session& session, const std::map<std::string, util::Micros>& amounts) = 0;

	/// Ends a reservation: the remaining deposit becomes 0 and, when `cancelledAt` is set, the cancellation time
	/// and fee are recorded.
	virtual void closeReservation(Poco::Data::Session& session, const std::string& id,
		std::optional<std::int64_t> cancelledAt, util::Micros fee) = 0;

	// Reports

	/// Returns the cost per hour of each of the user's VMs that exists now, with the network cost metered in the
	/// hour before `now`. `excludeVmId` leaves one VM out (the VM being admitted).
	virtual std::vector<VmSpend> currentSpend(Poco::Data::Session& session, std::int64_t userId, std::int64_t now,
		const std::string& excludeVmId = "") = 0;

	/// Returns the user's usage rows whose period starts in [from, to), newest first.
	virtual Page<UsageRecord> usage(Poco::Data::Session& session, std::int64_t userId, std::int64_t from,
		std::int64_t to, std::int64_t limit, std::int64_t offset) = 0;

	/// Returns the sums of the same rows per VM, ordered by VM id.
	virtual std::vector<VmUsageSummary> usageByVm(Poco::Data::Session& session, std::int64_t userId,
		std::int64_t from, std::int64_t to) = 0;

	// Coordination and audit

	/// Takes or renews the lease `name` for `holder` until `expiresAt`. Succeeds when the lease is free, expired
	/// at `now`, or already taken by `holder`. Returns whether `holder` has it now.
	virtual bool acquireLease(Poco::Data::Session& session, const std::string& name, const std::string& holder,
		std::int64_t now, std::int64_t expiresAt) = 0;

	/// Gives the lease up if `holder` holds it.
	virtual void releaseLease(Poco::Data::Session& session, const std::string& name, const std::string& holder) = 0;

	virtual void insertAudit(Poco::Data::Session& session, const AuditRecord& record) = 0;
};

/// Creates a store on a database. Implementations are selected by name (`billing.store`).
using BillingStoreFactory = std::function<std::shared_ptr<BillingStore>(db::Database& database)>;
using BillingStoreFactories = std::map<std::string, BillingStoreFactory>;

} // namespace gpucloud::billing
