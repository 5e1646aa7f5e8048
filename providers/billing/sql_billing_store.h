#pragma once

#include "billing/billing_store.h"
#include "db/database.h"

namespace gpucloud::providers
{

/// BillingStore on the server's SQL database (SQLite or PostgreSQL) through Poco Data. The SQL is shared by both
/// engines: `$n` placeholders, every value bound. The meter's reads and batch writes run on SQLite through the
/// connection's statement cache (db::SqliteStatement), one prepared statement per chunk; elsewhere Poco Data binds
/// vectors. Lists of ids are read in batches of kInListBatch.
class SqlBillingStore : public billing::BillingStore
{
public:
	std::vector<std::pair<std::int64_t, std::int64_t>> usersWithBillableVms(Poco::Data::Session& session) override;
	std::vector<billing::BillableVm> billableVms(Poco::Data::Session& session, std::int64_t firstUserId,
		std::int64_t lastUserId) override;
	std::optional<billing::BillableVm> vm(Poco::Data::Session& session, const std::string& vmId) override;
	billing::StatusTimelines statusTimelines(Poco::Data::Session& session,
		const std::vector<billing::BillableVm>& vms, std::int64_t end) override;
	void advanceCursors(Poco::Data::Session& session, const std::vector<billing::CursorAdvance>& advances) override;
	void addUsage(Poco::Data::Session& session, const std::vector<billing::UsageRecord>& records) override;

	std::vector<billing::LedgerEntry> post(Poco::Data::Session& session,
		const std::vector<billing::LedgerPosting>& postings) override;
	std::optional<billing::Account> account(Poco::Data::Session& session, std::int64_t userId) override;
	std::optional<std::int64_t> debtSince(Poco::Data::Session& session, std::int64_t userId) override;
	billing::Page<billing::LedgerEntry> ledger(Poco::Data::Session& session, std::int64_t userId, std::int64_t limit,
		std::int64_t offset) override;

	void insertReservation(Poco::Data::Session& session, const billing::Reservation& reservation) override;
	std::optional<billing::Reservation> reservation(Poco::Data::Session& session, const std::string& id) override;
	std::map<std::string, util::Micros> depositsRemaining(Poco::Data::Session& session,
		const std::vector<std::string>& ids) override;
	void consumeDeposits(Poco::Data::Session& session, const std::map<std::string, util::Micros>& amounts) override;
	void closeReservation(Poco::Data::Session& session, const std::string& id, std::optional<std::int64_t> cancelledAt,
		util::Micros fee) override;

	std::vector<billing::VmSpend> currentSpend(Poco::Data::Session& session, std::int64_t userId, std::int64_t now,
		const std::string& excludeVmId) override;
	billing::Page<billing::UsageRecord> usage(Poco::Data::Session& session, std::int64_t userId, std::int64_t from,
		std::int64_t to, std::int64_t limit, std::int64_t offset) override;
	std::vector<billing::VmUsageSummary> usageByVm(Poco::Data::Session& session, std::int64_t userId,
		std::int64_t from, std::int64_t to) override;

	bool acquireLease(Poco::Data::Session& session, const std::string& name, const std::string& holder,
		std::int64_t now, std::int64_t expiresAt) override;
	void releaseLease(Poco::Data::Session& session, const std::string& name, const std::string& holder) override;
	void insertAudit(Poco::Data::Session& session, const billing::AuditRecord& record) override;

	/// Ids per `IN (...)` list. Poco 1.11 looks SQLite parameters up by name on every bind (a linear search),
	/// so binding n parameters costs O(n^2): the meter's hot paths use id ranges instead, and lists stay short.
	static constexpr std::size_t kInListBatch = 100;

private:
	void updateCursors(Poco::Data::Session& session, const std::vector<billing::CursorAdvance>& updates);
	void insertCursors(Poco::Data::Session& session, const std::vector<billing::CursorAdvance>& inserts);
	std::string initialStatus(Poco::Data::Session& session, const std::string& vmId, std::int64_t start);
};

} // namespace gpucloud::providers
