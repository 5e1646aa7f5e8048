#include "billing/sql_billing_store.h"

#include <stdexcept>

#include <Poco/Data/Statement.h>


using namespace Poco::Data::Keywords;

namespace gpucloud::providers
{

namespace
{

using billing::LedgerEntry;
using billing::LedgerPosting;

/// Adds each user's total to the balance; unknown users are left for the caller to detect.
void addToBalances(Poco::Data::Session& session, const std::map<std::int64_t, util::Micros>& totals)
{
	std::vector<Poco::Int64> amounts;
	std::vector<Poco::Int64> userIds;
	for (const auto& [userId, amount] : totals)
	{
		amounts.push_back(amount);
		userIds.push_back(userId);
	}
	session << "UPDATE users SET balance_micros = balance_micros + $1 WHERE id = $2", use(amounts), use(userIds), now;
}

/// Reads the balance and the last ledger sequence number of each user of `userIds` (sorted). Users close together,
/// as in a meter chunk, are read by id range with two bound values; scattered ones one by one. The sequence comes
/// from a per-user MAX that the (user_id, user_seq) index resolves with one seek, however long the ledger is.
void readHeads(Poco::Data::Session& session, const std::vector<std::int64_t>& userIds,
	std::map<std::int64_t, util::Micros>& balances, std::map<std::int64_t, std::int64_t>& sequences)
{
	const std::string select = "SELECT u.id, u.balance_micros, COALESCE((SELECT MAX(l.user_seq) FROM ledger_entries l "
							   "WHERE l.user_id = u.id), 0) FROM users u ";
	auto read = [&](std::int64_t first, std::int64_t last) {
		Poco::Int64 from = first;
		Poco::Int64 to = last;
		std::vector<Poco::Int64> ids, values, lastSequences;
		session << select + "WHERE u.id BETWEEN $1 AND $2", use(from), use(to), into(ids), into(values),
			into(lastSequences), now;
		for (std::size_t i = 0; i < ids.size(); ++i)
		{
			balances[ids[i]] = values[i];
			sequences[ids[i]] = lastSequences[i];
		}
	};
	if (userIds.empty())
		return;
	std::int64_t span = userIds.back() - userIds.front() + 1;
	if (span <= 4 * static_cast<std::int64_t>(userIds.size()) + 64)
	{
		read(userIds.front(), userIds.back());
		return;
	}
	for (std::int64_t userId : userIds)
		read(userId, userId);
}

void insertEntries(Poco::Data::Session& session, const std::vector<LedgerEntry>& entries)
{
	std::vector<std::string> id, type, description, breakdown, vmId;
	std::vector<Poco::Int64> userId, amount, balanceAfter, createdAt, sequence;
	for (const LedgerEntry& entry : entries)
	{
		id.push_back(entry.id);
		userId.push_back(entry.userId);
		type.push_back(entry.type);
		amount.push_back(entry.amount);
		balanceAfter.push_back(entry.balanceAfter);
		description.push_back(entry.description);
		breakdown.push_back(entry.breakdown);
		vmId.push_back(entry.vmId);
		createdAt.push_back(entry.createdAt);
		sequence.push_back(entry.sequence);
	}
	session << "INSERT INTO ledger_entries (id, user_id, entry_type, amount_micros, balance_after_micros, description, "
			   "breakdown, vm_id, created_at, user_seq) VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8, ''), $9, $10)",
		use(id), use(userId), use(type), use(amount), use(balanceAfter), use(description), use(breakdown), use(vmId),
		use(createdAt), use(sequence), now;
}

} // namespace

std::vector<LedgerEntry> SqlBillingStore::post(Poco::Data::Session& session, const std::vector<LedgerPosting>& postings)
{
	if (postings.empty())
		return {};
	std::map<std::int64_t, util::Micros> totals;
	for (const LedgerPosting& posting : postings)
		totals[posting.userId] += posting.amount;
	std::vector<std::int64_t> userIds;
	for (const auto& total : totals)
		userIds.push_back(total.first);

	// The update locks each user's row (PostgreSQL) or the database (SQLite) until commit, so the balances and
	// sequence numbers read next cannot change under this transaction.
	addToBalances(session, totals);
	std::map<std::int64_t, util::Micros> balances;
	std::map<std::int64_t, std::int64_t> sequences;
	readHeads(session, userIds, balances, sequences);
	if (balances.size() != userIds.size())
	{
		for (std::int64_t userId : userIds)
		{
			if (balances.count(userId) == 0)
				throw std::invalid_argument("User " + std::to_string(userId) + " does not exist");
		}
	}

	std::map<std::int64_t, util::Micros> running;
	for (const auto& [userId, total] : totals)
		running[userId] = balances[userId] - total;

	std::vector<LedgerEntry> entries;
	entries.reserve(postings.size());
	for (const LedgerPosting& posting : postings)
	{
		LedgerEntry entry;
		entry.id = posting.id;
		entry.userId = posting.userId;
		entry.type = posting.type;
		entry.amount = posting.amount;
		entry.balanceAfter = running[posting.userId] += posting.amount;
		entry.description = posting.description;
		entry.breakdown = posting.breakdown;
		entry.vmId = posting.vmId;
		entry.createdAt = posting.createdAt;
		entry.sequence = ++sequences[posting.userId];
		entries.push_back(std::move(entry));
	}
	insertEntries(session, entries);
	return entries;
}

std::optional<billing::Account> SqlBillingStore::account(Poco::Data::Session& session, std::int64_t userId)
{
	Poco::Int64 id = userId;
	std::vector<Poco::Int64> balance, maxSpend;
	session << "SELECT balance_micros, max_hourly_spend_micros FROM users WHERE id = $1", use(id), into(balance),
		into(maxSpend), now;
	if (balance.empty())
		return std::nullopt;
	return billing::Account{userId, balance.front(), maxSpend.front()};
}

std::optional<std::int64_t> SqlBillingStore::debtSince(Poco::Data::Session& session, std::int64_t userId)
{
	Poco::Int64 id = userId;
	Poco::Int64 since = -1;
	session << "SELECT COALESCE(MIN(created_at), -1) FROM ledger_entries WHERE user_id = $1 AND user_seq > "
			   "COALESCE((SELECT MAX(user_seq) FROM ledger_entries WHERE user_id = $1 AND balance_after_micros > 0), 0)",
		use(id), into(since), now;
	if (since < 0)
		return std::nullopt;
	return since;
}

billing::Page<LedgerEntry> SqlBillingStore::ledger(Poco::Data::Session& session, std::int64_t userId,
	std::int64_t limit, std::int64_t offset)
{
	billing::Page<LedgerEntry> page;
	Poco::Int64 id = userId;
	Poco::Int64 pageLimit = limit;
	Poco::Int64 pageOffset = offset;
	Poco::Int64 total = 0;
	session << "SELECT COUNT(*) FROM ledger_entries WHERE user_id = $1", use(id), into(total), now;
	page.total = total;

	std::vector<std::string> entryId, type, description, breakdown, vmId;
	std::vector<Poco::Int64> amount, balanceAfter, createdAt, sequence;
	session << "SELECT id, entry_type, amount_micros, balance_after_micros, description, breakdown, COALESCE(vm_id, ''), "
			   "created_at, user_seq FROM ledger_entries WHERE user_id = $1 ORDER BY user_seq DESC LIMIT $2 OFFSET $3",
		use(id), use(pageLimit), use(pageOffset), into(entryId), into(type), into(amount), into(balanceAfter),
		into(description), into(breakdown), into(vmId), into(createdAt), into(sequence), now;
	for (std::size_t i = 0; i < entryId.size(); ++i)
	{
		page.rows.push_back(LedgerEntry{entryId[i], userId, type[i], amount[i], balanceAfter[i], description[i],
			breakdown[i], vmId[i], createdAt[i], sequence[i]});
	}
	return page;
}

bool SqlBillingStore::acquireLease(Poco::Data::Session& session, const std::string& name, const std::string& holder,
	std::int64_t now, std::int64_t expiresAt)
{
	Poco::Int64 current = now;
	Poco::Int64 until = expiresAt;
	session << "INSERT INTO leases (name, holder, expires_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE "
			   "SET holder = excluded.holder, expires_at = excluded.expires_at "
			   "WHERE leases.holder = excluded.holder OR leases.expires_at <= $4",
		bind(name), bind(holder), use(until), use(current), Poco::Data::Keywords::now;
	std::vector<std::string> owner;
	session << "SELECT holder FROM leases WHERE name = $1", bind(name), into(owner), Poco::Data::Keywords::now;
	return !owner.empty() && owner.front() == holder;
}

void SqlBillingStore::releaseLease(Poco::Data::Session& session, const std::string& name, const std::string& holder)
{
	session << "DELETE FROM leases WHERE name = $1 AND holder = $2", bind(name), bind(holder), now;
}

void SqlBillingStore::insertAudit(Poco::Data::Session& session, const billing::AuditRecord& record)
{
	Poco::Int64 createdAt = record.createdAt;
	// User ids start at 1, so 0 stands for "no actor" (the operator command line).
	Poco::Int64 actor = record.actorUserId.value_or(0);
	session << "INSERT INTO audit_log (created_at, actor_user_id, action, target, source_address, outcome, detail) "
			   "VALUES ($1, NULLIF($2, 0), $3, $4, $5, $6, $7)",
		use(createdAt), use(actor), bind(record.action), bind(record.target),
		bind(record.sourceAddress), bind(record.outcome), bind(record.detail), now;
}

} // namespace gpucloud::providers
