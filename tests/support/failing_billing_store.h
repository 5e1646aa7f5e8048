#pragma once

#include <atomic>
#include <memory>

#include "billing/billing_store.h"

namespace gpucloud::testing
{

/// A BillingStore that passes every call to another one and can be set to fail, to simulate a meter that
/// crashes in the middle of a transaction.
class FailingBillingStore : public billing::BillingStore
{
public:
	explicit FailingBillingStore(std::shared_ptr<billing::BillingStore> inner) : _inner(std::move(inner)) {}

	/// Lets `calls` more calls of addUsage pass; the one after them writes its rows and then throws
	/// std::runtime_error, once.
	void failAddUsageAfter(int calls) { _remaining = calls; }

	std::vector<std::pair<std::int64_t, std::int64_t>> usersWithBillableVms(Poco::Data::Session& session) override
	{
		return _inner->usersWithBillableVms(session);
	}
	std::vector<billing::BillableVm> billableVms(Poco::Data::Session& session, std::int64_t firstUserId,
		std::int64_t lastUserId) override
	{
		return _inner->billableVms(session, firstUserId, lastUserId);
	}
	std::optional<billing::BillableVm> vm(Poco::Data::Session& session, const std::string& vmId) override
	{
		return _inner->vm(session, vmId);
	}
	billing::StatusTimelines statusTimelines(Poco::Data::Session& session, const std::vector<billing::BillableVm>& vms,
		std::int64_t end) override
	{
		return _inner->statusTimelines(session, vms, end);
	}
	void advanceCursors(Poco::Data::Session& session, const std::vector<billing::CursorAdvance>& advances) override
	{
		_inner->advanceCursors(session, advances);
	}
	void addUsage(Poco::Data::Session& session, const std::vector<billing::UsageRecord>& records) override
	{
		_inner->addUsage(session, records);
		if (_remaining.fetch_sub(1) == 0)
			throw std::runtime_error("Injected failure after writing usage rows");
	}
	std::vector<billing::LedgerEntry> post(Poco::Data::Session& session,
		const std::vector<billing::LedgerPosting>& postings) override
	{
		return _inner->post(session, postings);
	}
	std::optional<billing::Account> account(Poco::Data::Session& session, std::int64_t userId) override
	{
		return _inner->account(session, userId);
	}
	std::optional<std::int64_t> debtSince(Poco::Data::Session& session, std::int64_t userId) override
	{
		return _inner->debtSince(session, userId);
	}
	billing::Page<billing::LedgerEntry> ledger(Poco::Data::Session& session, std::int64_t userId, std::int64_t limit,
		std::int64_t offset) override
	{
		return _inner->ledger(session, userId, limit, offset);
	}
	void insertReservation(Poco::Data::Session& session, const billing::Reservation& reservation) override
	{
		_inner->insertReservation(session, reservation);
	}
	std::optional<billing::Reservation> reservation(Poco::Data::Session& session, const std::string& id) override
	{
		return _inner->reservation(session, id);
	}
	std::map<std::string, util::Micros> depositsRemaining(Poco::Data::Session& session,
		const std::vector<std::string>& ids) override
	{
		return _inner->depositsRemaining(session, ids);
	}
	void consumeDeposits(Poco::Data::Session& session, const std::map<std::string, util::Micros>& amounts) override
	{
		_inner->consumeDeposits(session, amounts);
	}
	void closeReservation(Poco::Data::Session& session, const std::string& id, std::optional<std::int64_t> cancelledAt,
		util::Micros fee) override
	{
		_inner->closeReservation(session, id, cancelledAt, fee);
	}
	std::vector<billing::VmSpend> currentSpend(Poco::Data::Session& session, std::int64_t userId, std::int64_t now,
		const std::string& excludeVmId) override
	{
		return _inner->currentSpend(session, userId, now, excludeVmId);
	}
	billing::Page<billing::UsageRecord> usage(Poco::Data::Session& session, std::int64_t userId, std::int64_t from,
		std::int64_t to, std::int64_t limit, std::int64_t offset) override
	{
		return _inner->usage(session, userId, from, to, limit, offset);
	}
	std::vector<billing::VmUsageSummary> usageByVm(Poco::Data::Session& session, std::int64_t userId,
		std::int64_t from, std::int64_t to) override
	{
		return _inner->usageByVm(session, userId, from, to);
	}
	bool acquireLease(Poco::Data::Session& session, const std::string& name, const std::string& holder,
		std::int64_t now, std::int64_t expiresAt) override
	{
		return _inner->acquireLease(session, name, holder, now, expiresAt);
	}
	void releaseLease(Poco::Data::Session& session, const std::string& name, const std::string& holder) override
	{
		_inner->releaseLease(session, name, holder);
	}
	void insertAudit(Poco::Data::Session& session, const billing::AuditRecord& record) override
	{
		_inner->insertAudit(session, record);
	}

private:
	std::shared_ptr<billing::BillingStore> _inner;
	std::atomic<int> _remaining{-1};
};

} // namespace gpucloud::testing
