#include "billing/sql_billing_store.h"

#include <Poco/Data/Statement.h>

#include "billing/sql_helpers.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::providers
{

void SqlBillingStore::insertReservation(Poco::Data::Session& session, const billing::Reservation& reservation)
{
	Poco::Int64 userId = reservation.userId;
	int gpuCount = reservation.gpuCount;
	int months = reservation.months;
	int discount = reservation.discountPercent;
	Poco::Int64 monthlyCost = reservation.monthlyCost;
	Poco::Int64 deposit = reservation.deposit;
	Poco::Int64 remaining = reservation.depositRemaining;
	Poco::Int64 startsAt = reservation.startsAt;
	Poco::Int64 endsAt = reservation.endsAt;
	session << "INSERT INTO reservations (id, user_id, vm_id, gpu_type, gpu_count, months, discount_percent, "
			   "monthly_cost_micros, deposit_micros, deposit_remaining_micros, starts_at, ends_at) "
			   "VALUES ($1, $2, NULLIF($3, ''), $4, $5, $6, $7, $8, $9, $10, $11, $12)",
		bind(reservation.id), use(userId), bind(reservation.vmId), bind(reservation.gpuType), use(gpuCount), use(months),
		use(discount), use(monthlyCost), use(deposit), use(remaining), use(startsAt), use(endsAt), now;
}

std::optional<billing::Reservation> SqlBillingStore::reservation(Poco::Data::Session& session, const std::string& id)
{
	std::vector<Poco::Int64> userId, monthlyCost, deposit, remaining, startsAt, endsAt, cancelledAt, fee;
	std::vector<std::string> vmId, gpuType;
	std::vector<int> gpuCount, months, discount, cancelled;
	session << "SELECT user_id, COALESCE(vm_id, ''), gpu_type, gpu_count, months, discount_percent, "
			   "monthly_cost_micros, deposit_micros, deposit_remaining_micros, starts_at, ends_at, "
			   "CASE WHEN cancelled_at IS NULL THEN 0 ELSE 1 END, COALESCE(cancelled_at, 0), "
			   "COALESCE(cancellation_fee_micros, 0) FROM reservations WHERE id = $1",
		bind(id), into(userId), into(vmId), into(gpuType), into(gpuCount), into(months), into(discount),
		into(monthlyCost), into(deposit), into(remaining), into(startsAt), into(endsAt), into(cancelled),
		into(cancelledAt), into(fee), now;
	if (userId.empty())
		return std::nullopt;

	billing::Reservation reservation;
	reservation.id = id;
	reservation.userId = userId[0];
	reservation.vmId = vmId[0];
	reservation.gpuType = gpuType[0];
	reservation.gpuCount = gpuCount[0];
	reservation.months = months[0];
	reservation.discountPercent = discount[0];
	reservation.monthlyCost = monthlyCost[0];
	reservation.deposit = deposit[0];
	reservation.depositRemaining = remaining[0];
	reservation.startsAt = startsAt[0];
	reservation.endsAt = endsAt[0];
	if (cancelled[0] != 0)
	{
		reservation.cancelledAt = cancelledAt[0];
		reservation.cancellationFee = fee[0];
	}
	return reservation;
}

std::map<std::string, util::Micros> SqlBillingStore::depositsRemaining(Poco::Data::Session& session,
	const std::vector<std::string>& ids)
{
	std::map<std::string, util::Micros> remaining;
	sql::forEachBatch(ids, kInListBatch, [&](const std::vector<std::string>& batch) {
		std::vector<std::string> readIds;
		std::vector<Poco::Int64> amounts;
		Poco::Data::Statement statement(session);
		statement << "SELECT id, deposit_remaining_micros FROM reservations WHERE id IN ("
				+ sql::placeholders(1, batch.size()) + ")";
		sql::bindAll(statement, batch);
		statement, into(readIds), into(amounts);
		statement.execute();
		for (std::size_t i = 0; i < readIds.size(); ++i)
			remaining[readIds[i]] = amounts[i];
	});
	return remaining;
}

void SqlBillingStore::consumeDeposits(Poco::Data::Session& session, const std::map<std::string, util::Micros>& amounts)
{
	if (amounts.empty())
		return;
	std::vector<Poco::Int64> values;
	std::vector<std::string> ids;
	for (const auto& [id, amount] : amounts)
	{
		values.push_back(amount);
		ids.push_back(id);
	}
	session << "UPDATE reservations SET deposit_remaining_micros = deposit_remaining_micros - $1 WHERE id = $2",
		use(values), use(ids), now;
}

void SqlBillingStore::closeReservation(Poco::Data::Session& session, const std::string& id,
	std::optional<std::int64_t> cancelledAt, util::Micros fee)
{
	if (!cancelledAt)
	{
		session << "UPDATE reservations SET deposit_remaining_micros = 0 WHERE id = $1", bind(id), now;
		return;
	}
	Poco::Int64 at = *cancelledAt;
	Poco::Int64 amount = fee;
	session << "UPDATE reservations SET deposit_remaining_micros = 0, cancelled_at = $1, cancellation_fee_micros = $2 "
			   "WHERE id = $3",
		use(at), use(amount), bind(id), now;
}

std::vector<billing::VmSpend> SqlBillingStore::currentSpend(Poco::Data::Session& session, std::int64_t userId,
	std::int64_t now, const std::string& excludeVmId)
{
	Poco::Int64 user = userId;
	Poco::Int64 hourAgo = now - 3600;
	// The network rate comes from each VM's usage rows that end within the last hour. Such a row's hour began less
	// than an hour before its last period. So the rows whose hour began within three hours include them all, unless a
	// period was over an hour long (a meter that did not run for that long). Both sums read the (vm_id, hour_start)
	// index, because VM creation runs this query in its write transaction.
	Poco::Int64 threeHoursAgo = now - 3 * billing::kUsageRowSeconds;
	std::vector<std::string> vmId, status, gpuType;
	std::vector<Poco::Int64> vmid, gpuRate, storageRate, networkCost, networkSeconds;
	std::vector<int> gpuCount, storageGb;
	session << "SELECT v.id, v.vmid, v.status, v.gpu_type, v.gpu_count, v.storage_gb, v.gpu_hourly_rate_micros, "
			   "v.storage_hourly_rate_micros, "
			   "COALESCE((SELECT CAST(SUM(u.network_cost_micros) AS BIGINT) FROM usage_records u "
			   "WHERE u.vm_id = v.id AND u.hour_start > $1 AND u.period_end > $2), 0), "
			   "COALESCE((SELECT CAST(SUM(u.period_end - u.period_start) AS BIGINT) FROM usage_records u "
			   "WHERE u.vm_id = v.id AND u.hour_start > $3 AND u.period_end > $4), 0) "
			   "FROM vms v WHERE v.user_id = $5 AND v.status IN " + std::string(sql::kLiveStatuses)
			+ " AND v.id <> $6 ORDER BY v.created_at, v.id",
		use(threeHoursAgo), use(hourAgo), use(threeHoursAgo), use(hourAgo), use(user), bind(excludeVmId), into(vmId),
		into(vmid), into(status),
		into(gpuType), into(gpuCount), into(storageGb), into(gpuRate), into(storageRate), into(networkCost),
		into(networkSeconds), Poco::Data::Keywords::now;

	std::vector<billing::VmSpend> spend;
	for (std::size_t i = 0; i < vmId.size(); ++i)
	{
		billing::VmSpend vm;
		vm.vmId = vmId[i];
		vm.vmid = vmid[i];
		vm.status = status[i];
		vm.gpuType = gpuType[i];
		vm.gpuCount = gpuCount[i];
		vm.storageGb = storageGb[i];
		bool holdsGpus = vm.status == "creating" || vm.status == "starting" || vm.status == "running"
			|| vm.status == "stopping";
		vm.gpuPerHour = holdsGpus ? gpuRate[i] * gpuCount[i] : 0;
		vm.storagePerHour = storageRate[i];
		vm.networkPerHour = networkSeconds[i] > 0 ? util::mulDiv(networkCost[i], 3600, networkSeconds[i]) : 0;
		spend.push_back(std::move(vm));
	}
	return spend;
}

billing::Page<billing::UsageRecord> SqlBillingStore::usage(Poco::Data::Session& session, std::int64_t userId,
	std::int64_t from, std::int64_t to, std::int64_t limit, std::int64_t offset)
{
	billing::Page<billing::UsageRecord> page;
	Poco::Int64 user = userId, start = from, end = to, pageLimit = limit, pageOffset = offset, total = 0;
	session << "SELECT COUNT(*) FROM usage_records WHERE user_id = $1 AND period_start >= $2 AND period_start < $3",
		use(user), use(start), use(end), into(total), now;
	page.total = total;

	std::vector<std::string> id, vmId, ledgerId;
	std::vector<Poco::Int64> hourStart, periodStart, periodEnd, gpuSeconds, networkBytes, gpuCost, storageCost,
		networkCost, totalCost, createdAt;
	std::vector<int> storageGb;
	session << "SELECT id, vm_id, hour_start, period_start, period_end, gpu_seconds, storage_gb, network_bytes, "
			   "gpu_cost_micros, storage_cost_micros, network_cost_micros, total_cost_micros, "
			   "COALESCE(ledger_entry_id, ''), created_at FROM usage_records WHERE user_id = $1 AND period_start >= $2 AND period_start < $3 "
			   "ORDER BY period_start DESC, vm_id LIMIT $4 OFFSET $5",
		use(user), use(start), use(end), use(pageLimit), use(pageOffset), into(id), into(vmId), into(hourStart), into(periodStart),
		into(periodEnd), into(gpuSeconds), into(storageGb), into(networkBytes), into(gpuCost), into(storageCost),
		into(networkCost), into(totalCost), into(ledgerId), into(createdAt), now;
	for (std::size_t i = 0; i < id.size(); ++i)
	{
		billing::UsageRecord record;
		record.id = id[i];
		record.userId = userId;
		record.vmId = vmId[i];
		record.hourStart = hourStart[i];
		record.periodStart = periodStart[i];
		record.periodEnd = periodEnd[i];
		record.gpuSeconds = gpuSeconds[i];
		record.storageGb = storageGb[i];
		record.networkBytes = networkBytes[i];
		record.gpuCost = gpuCost[i];
		record.storageCost = storageCost[i];
		record.networkCost = networkCost[i];
		record.totalCost = totalCost[i];
		record.ledgerEntryId = ledgerId[i];
		record.createdAt = createdAt[i];
		page.rows.push_back(std::move(record));
	}
	return page;
}

std::vector<billing::VmUsageSummary> SqlBillingStore::usageByVm(Poco::Data::Session& session, std::int64_t userId,
	std::int64_t from, std::int64_t to)
{
	Poco::Int64 user = userId, start = from, end = to;
	std::vector<std::string> vmId, gpuType;
	std::vector<Poco::Int64> vmid, gpuSeconds, cost;
	session << "SELECT u.vm_id, v.vmid, v.gpu_type, CAST(SUM(u.gpu_seconds) AS BIGINT), "
			   "CAST(SUM(u.total_cost_micros) AS BIGINT) FROM usage_records u JOIN vms v ON v.id = u.vm_id "
			   "WHERE u.user_id = $1 AND u.period_start >= $2 AND u.period_start < $3 "
			   "GROUP BY u.vm_id, v.vmid, v.gpu_type ORDER BY u.vm_id",
		use(user), use(start), use(end), into(vmId), into(vmid), into(gpuType), into(gpuSeconds), into(cost), now;
	std::vector<billing::VmUsageSummary> summaries;
	for (std::size_t i = 0; i < vmId.size(); ++i)
		summaries.push_back(billing::VmUsageSummary{vmId[i], vmid[i], gpuType[i], gpuSeconds[i], cost[i]});
	return summaries;
}

} // namespace gpucloud::providers
