#include "billing/billing_accounts.h"

#include <stdexcept>

#include <Poco/JSON/Object.h>

#include "http/api_error.h"
#include "http/response.h"
#include "http/validation.h"
#include "util/random.h"

namespace gpucloud::billing
{

BillingAccounts::BillingAccounts(db::Database& database, std::shared_ptr<BillingStore> store,
	std::shared_ptr<const Clock> clock)
	: _database(database), _store(std::move(store)), _clock(std::move(clock))
{
}

util::Micros BillingAccounts::balance(std::int64_t userId)
{
	Poco::Data::Session session = _database.session();
	std::optional<Account> account = _store->account(session, userId);
	if (!account)
		throw http::notFound("User " + std::to_string(userId) + " not found");
	return account->balance;
}

Page<LedgerEntry> BillingAccounts::transactions(std::int64_t userId, std::int64_t limit, std::int64_t offset)
{
	Poco::Data::Session session = _database.session();
	return _store->ledger(session, userId, limit, offset);
}

UsageReport BillingAccounts::usage(std::int64_t userId, std::int64_t from, std::int64_t to, std::int64_t limit,
	std::int64_t offset)
{
	// One transaction, so that the page and the sums describe the same rows.
	return _database.transaction([&](Poco::Data::Session& session) {
		UsageReport report;
		report.from = from;
		report.to = to;
		report.logs = _store->usage(session, userId, from, to, limit, offset);
		report.vms = _store->usageByVm(session, userId, from, to);
		for (const VmUsageSummary& vm : report.vms)
		{
			report.totalCost += vm.cost;
			report.gpuSeconds += vm.gpuSeconds;
		}
		return report;
	});
}

std::vector<VmSpend> BillingAccounts::currentSpend(std::int64_t userId)
{
	Poco::Data::Session session = _database.session();
	return _store->currentSpend(session, userId, _clock->now(), "");
}

LedgerEntry BillingAccounts::credit(const CreditRequest& request)
{
	if (request.amount <= 0)
		throw std::invalid_argument("A credit amount must be positive");
	if (request.type != kEntryCredit && request.type != kEntryRefund)
		throw std::invalid_argument("A credit type must be 'credit' or 'refund', not '" + request.type + "'");

	std::int64_t now = _clock->now();
	return _database.transaction([&](Poco::Data::Session& session) {
		if (!_store->account(session, request.userId))
			throw http::notFound("User " + std::to_string(request.userId) + " not found");

		Poco::JSON::Object::Ptr breakdown = http::orderedObject();
		if (request.actorUserId)
			breakdown->set("granted_by_user_id", static_cast<Poco::Int64>(*request.actorUserId));
		else
			breakdown->set("granted_by", "operator command line");

		LedgerPosting posting;
		posting.id = util::uuid4();
		posting.userId = request.userId;
		posting.type = request.type;
		posting.amount = request.amount;
		posting.description = request.description;
		posting.breakdown = http::toJson(breakdown);
		posting.createdAt = now;
		LedgerEntry entry = _store->post(session, {posting}).front();

		AuditRecord audit;
		audit.createdAt = now;
		audit.actorUserId = request.actorUserId;
		audit.action = "billing." + request.type;
		audit.target = "user:" + std::to_string(request.userId);
		audit.sourceAddress = request.sourceAddress;
		audit.outcome = "success";
		audit.detail = "amount=" + util::formatDollars(request.amount) + " ledger_entry=" + entry.id
			+ " balance_after=" + util::formatDollars(entry.balanceAfter);
		_store->insertAudit(session, audit);
		return entry;
	});
}

} // namespace gpucloud::billing
