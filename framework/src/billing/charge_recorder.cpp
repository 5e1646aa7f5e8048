#include "billing/charge_recorder.h"

#include <algorithm>

#include <Poco/JSON/Object.h>

#include "http/response.h"
#include "http/validation.h"

namespace gpucloud::billing
{

namespace
{

/// Sums of one user's charges in one recording.
struct UserTotals
{
	util::Micros gpu = 0;
	util::Micros storage = 0;
	util::Micros network = 0;
	util::Micros fromDeposits = 0;
	std::int64_t periodStart = 0;
	std::int64_t periodEnd = 0;
	std::size_t vmCount = 0;
	std::string onlyVmId;

	util::Micros fromBalance() const { return gpu + storage + network - fromDeposits; }
};

bool isEmpty(const VmCharge& charge)
{
	return charge.gpuSeconds == 0 && charge.storageSeconds == 0 && charge.networkBytes == 0;
}

std::string breakdownJson(const UserTotals& totals)
{
	Poco::JSON::Object::Ptr breakdown = http::orderedObject();
	breakdown->set("period_start", db::isoTime(totals.periodStart));
	breakdown->set("period_end", db::isoTime(totals.periodEnd));
	breakdown->set("vm_count", static_cast<Poco::Int64>(totals.vmCount));
	breakdown->set("gpu", util::toJsonRate(totals.gpu));
	breakdown->set("storage", util::toJsonRate(totals.storage));
	breakdown->set("network", util::toJsonRate(totals.network));
	breakdown->set("reservation_deposit", util::toJsonRate(totals.fromDeposits));
	return http::toJson(breakdown);
}

std::string describe(const UserTotals& totals)
{
	if (totals.vmCount == 1)
		return "Usage of VM " + totals.onlyVmId + " up to " + db::isoTime(totals.periodEnd);
	return "Usage of " + std::to_string(totals.vmCount) + " VMs up to " + db::isoTime(totals.periodEnd);
}

} // namespace

ChargeRecorder::ChargeRecorder(BillingStore& store) : _store(store)
{
}

std::map<std::string, util::Micros> ChargeRecorder::takeFromDeposits(Poco::Data::Session& session,
	const std::vector<PendingCharge>& charges, RecordedCharges& recorded)
{
	std::vector<std::string> reservationIds;
	for (const PendingCharge& pending : charges)
	{
		if (!pending.vm.reservationId.empty() && pending.charge.total() > 0)
			reservationIds.push_back(pending.vm.reservationId);
	}
	std::map<std::string, util::Micros> taken;  // per VM id
	if (reservationIds.empty())
		return taken;

	std::map<std::string, util::Micros> remaining = _store.depositsRemaining(session, reservationIds);
	std::map<std::string, util::Micros> consumed;
	for (const PendingCharge& pending : charges)
	{
		auto deposit = remaining.find(pending.vm.reservationId);
		if (deposit == remaining.end() || deposit->second <= 0 || pending.charge.total() <= 0)
			continue;
		util::Micros amount = std::min(deposit->second, pending.charge.total());
		deposit->second -= amount;
		consumed[deposit->first] += amount;
		taken[pending.vm.id] = amount;
	}
	if (!consumed.empty())
		_store.consumeDeposits(session, consumed);
	for (const auto& [id, amount] : consumed)
		recorded.depositsLeft[id] = remaining[id];
	return taken;
}

RecordedCharges ChargeRecorder::record(Poco::Data::Session& session, const std::vector<PendingCharge>& charges,
	std::int64_t now)
{
	RecordedCharges recorded;
	if (charges.empty())
		return recorded;

	std::vector<CursorAdvance> advances;
	advances.reserve(charges.size());
	for (const PendingCharge& pending : charges)
	{
		std::optional<std::int64_t> from;
		if (pending.vm.cursor)
			from = pending.vm.cursor->chargedUntil;
		advances.push_back(CursorAdvance{pending.vm.id, from, pending.charge.next});
	}
	_store.advanceCursors(session, advances);

	std::map<std::string, util::Micros> fromDeposits = takeFromDeposits(session, charges, recorded);

	std::map<std::int64_t, UserTotals> users;
	for (const PendingCharge& pending : charges)
	{
		if (isEmpty(pending.charge))
			continue;
		UserTotals& totals = users[pending.vm.userId];
		totals.gpu += pending.charge.gpuCost;
		totals.storage += pending.charge.storageCost;
		totals.network += pending.charge.networkCost;
		auto deposit = fromDeposits.find(pending.vm.id);
		if (deposit != fromDeposits.end())
			totals.fromDeposits += deposit->second;
		totals.periodStart = totals.vmCount == 0 ? pending.charge.periodStart
												 : std::min(totals.periodStart, pending.charge.periodStart);
		totals.periodEnd = std::max(totals.periodEnd, pending.charge.periodEnd);
		totals.onlyVmId = pending.vm.id;
		++totals.vmCount;
		recorded.total += pending.charge.total();
	}

	std::vector<LedgerPosting> postings;
	std::map<std::int64_t, std::string> entryIds;
	for (const auto& [userId, totals] : users)
	{
		if (totals.fromBalance() <= 0)
			continue;
		LedgerPosting posting;
		posting.id = _ids.next(now * 1000);
		posting.userId = userId;
		posting.type = kEntryDebit;
		posting.amount = -totals.fromBalance();
		posting.description = describe(totals);
		posting.breakdown = breakdownJson(totals);
		posting.vmId = totals.vmCount == 1 ? totals.onlyVmId : std::string();
		posting.createdAt = now;
		entryIds[userId] = posting.id;
		postings.push_back(std::move(posting));
	}
	for (LedgerEntry& entry : _store.post(session, postings))
		recorded.entries[entry.userId] = std::move(entry);

	std::vector<UsageRecord> usage;
	usage.reserve(charges.size());
	for (const PendingCharge& pending : charges)
	{
		if (isEmpty(pending.charge))
			continue;
		const VmCharge& charge = pending.charge;
		UsageRecord record;
		record.id = _ids.next(now * 1000);
		record.userId = pending.vm.userId;
		record.vmId = pending.vm.id;
		record.hourStart = usageHourStart(pending.vm.createdAt, charge.periodStart);
		record.periodStart = charge.periodStart;
		record.periodEnd = charge.periodEnd;
		record.gpuSeconds = charge.gpuSeconds;
		record.storageGb = pending.vm.storageGb;
		record.networkBytes = charge.networkBytes;
		record.gpuCost = charge.gpuCost;
		record.storageCost = charge.storageCost;
		record.networkCost = charge.networkCost;
		record.totalCost = charge.total();
		auto entry = entryIds.find(pending.vm.userId);
		if (entry != entryIds.end())
			record.ledgerEntryId = entry->second;
		record.createdAt = now;
		usage.push_back(std::move(record));
	}
	std::sort(usage.begin(), usage.end(), [](const UsageRecord& a, const UsageRecord& b) { return a.vmId < b.vmId; });
	_store.addUsage(session, usage);
	recorded.usageRecords = usage.size();
	return recorded;
}

} // namespace gpucloud::billing
