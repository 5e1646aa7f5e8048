#include "billing/sql_billing_store.h"

#include <algorithm>

#include <Poco/Data/Statement.h>

#include "billing/sql_helpers.h"
#include "db/rows.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::providers
{

namespace
{

using billing::BillableVm;

/// Up to this many VMs, statusTimelines() reads the history of each VM by its id.
constexpr std::size_t kVmsReadOneByOne = 4;

/// The columns of a BillableVm; the query joins vms v, billing_cursors c and vm_network_usage n.
const char* const kVmColumns =
	"SELECT v.id, v.vmid, v.user_id, v.status, v.gpu_type, v.gpu_count, v.storage_gb, v.gpu_hourly_rate_micros, "
	"v.storage_hourly_rate_micros, v.created_at, COALESCE(v.reservation_id, ''), "
	"CASE WHEN c.vm_id IS NULL THEN 0 ELSE 1 END, COALESCE(c.charged_until, 0), COALESCE(c.gpu_seconds_charged, 0), "
	"COALESCE(c.storage_seconds_charged, 0), COALESCE(c.network_bytes_charged, 0), COALESCE(n.tx_bytes, 0), "
	"v.status_changed_at FROM vms v LEFT JOIN billing_cursors c ON c.vm_id = v.id LEFT JOIN vm_network_usage n ON n.vm_id = v.id ";

/// Builds a BillableVm from a row of kVmColumns, read either through Poco Data or straight from SQLite.
template <class Row>
BillableVm readBillableVm(const Row& row)
{
	BillableVm vm;
	vm.id = row.text(0);
	vm.vmid = row.int64(1);
	vm.userId = row.int64(2);
	vm.status = row.text(3);
	vm.gpuType = row.text(4);
	vm.gpuCount = static_cast<int>(row.int64(5));
	vm.storageGb = static_cast<int>(row.int64(6));
	vm.gpuHourlyRate = row.int64(7);
	vm.storageHourlyRate = row.int64(8);
	vm.createdAt = row.int64(9);
	vm.reservationId = row.text(10);
	if (row.int64(11) != 0)
		vm.cursor = billing::ChargeCursor{row.int64(12), row.int64(13), row.int64(14), row.int64(15)};
	vm.networkBytesReported = row.int64(16);
	vm.statusChangedAt = row.int64(17);
	return vm;
}

/// Runs a query of kVmColumns with the parameters `bind` adds.
template <class Bind>
std::vector<BillableVm> selectBillableVms(Poco::Data::Session& session, const std::string& sql, Bind&& bind)
{
	return db::selectRows<BillableVm>(session, sql, std::forward<Bind>(bind),
		[](const auto& row) { return readBillableVm(row); });
}

/// Throws CursorConflict unless every one of `expected` cursor updates moved its cursor.
void throwUnlessAllMoved(std::size_t moved, std::size_t expected)
{
	if (moved != expected)
	{
		throw billing::CursorConflict("Another writer charged " + std::to_string(expected - moved) + " of "
			+ std::to_string(expected) + " VMs first");
	}
}

/// The condition that makes a VM billable; `c` is its cursor. It is a CASE so that no index on vms.status can
/// serve it: queries that combine it with a user-id range must walk the (user_id, created_at) index, because
/// SQLite would otherwise scan every running VM for each chunk.
// NOTE: the walk also reads the chunk users' destroyed VMs; an account that has destroyed thousands of VMs makes
// its chunk slower.
std::string billableCondition()
{
	return std::string("CASE WHEN v.status IN ") + sql::kLiveStatuses
		+ " THEN 1 WHEN v.status = 'failed' AND (c.charged_until IS NULL OR c.charged_until < v.updated_at) THEN 1 "
		  "ELSE 0 END = 1";
}

} // namespace

std::vector<std::pair<std::int64_t, std::int64_t>> SqlBillingStore::usersWithBillableVms(Poco::Data::Session& session)
{
	// Two index-friendly halves instead of one OR, so that destroyed VMs, which accumulate, are never scanned.
	std::vector<Poco::Int64> userIds;
	std::vector<Poco::Int64> counts;
	session << "SELECT user_id, COUNT(*) FROM ("
			   "SELECT v.user_id FROM vms v WHERE v.status IN " + std::string(sql::kLiveStatuses) + " UNION ALL "
			   "SELECT v.user_id FROM vms v LEFT JOIN billing_cursors c ON c.vm_id = v.id WHERE v.status = 'failed' "
			   "AND (c.charged_until IS NULL OR c.charged_until < v.updated_at)"
			   ") billable GROUP BY user_id ORDER BY user_id",
		into(userIds), into(counts), now;
	std::vector<std::pair<std::int64_t, std::int64_t>> users;
	users.reserve(userIds.size());
	for (std::size_t i = 0; i < userIds.size(); ++i)
		users.emplace_back(userIds[i], counts[i]);
	return users;
}

std::vector<BillableVm> SqlBillingStore::billableVms(Poco::Data::Session& session, std::int64_t firstUserId,
	std::int64_t lastUserId)
{
	Poco::Int64 first = firstUserId;
	Poco::Int64 last = lastUserId;
	return selectBillableVms(session,
		std::string(kVmColumns) + "WHERE v.user_id BETWEEN $1 AND $2 AND " + billableCondition()
			+ " ORDER BY v.user_id, v.id",
		[&](auto& statement) {
			db::addParameter(statement, first);
			db::addParameter(statement, last);
		});
}

std::optional<BillableVm> SqlBillingStore::vm(Poco::Data::Session& session, const std::string& vmId)
{
	std::string id = vmId;
	std::vector<BillableVm> vms = selectBillableVms(session, std::string(kVmColumns) + "WHERE v.id = $1",
		[&](auto& statement) { db::addParameter(statement, id); });
	if (vms.empty())
		return std::nullopt;
	return vms.front();
}

billing::StatusTimelines SqlBillingStore::statusTimelines(Poco::Data::Session& session,
	const std::vector<BillableVm>& vms, std::int64_t end)
{
	// Only VMs whose status changed after their charge start have history to read.
	std::map<std::string, std::int64_t> starts;
	for (const BillableVm& vm : vms)
	{
		if (vm.statusChangedAt > vm.chargeStart())
			starts[vm.id] = vm.chargeStart();
	}
	billing::StatusTimelines timelines;
	if (starts.empty())
		return timelines;

	// Changes after each VM's start, also those at or after `end`: a VM whose status changed after the period still
	// had its earlier status during it, so its current status cannot stand for the period.
	std::vector<std::string> vmIds;
	std::vector<std::string> statuses;
	std::vector<Poco::Int64> times;
	if (starts.size() <= kVmsReadOneByOne)
	{
		// A few VMs, as when one is destroyed: read each VM's history by its id, because the user-range query below
		// would walk every VM of the users.
		for (const auto& [id, vmStart] : starts)
		{
			std::string vmId = id;
			Poco::Int64 start = vmStart;
			std::vector<std::string> vmStatuses;
			std::vector<Poco::Int64> vmTimes;
			session << "SELECT status, changed_at FROM vm_status_history WHERE vm_id = $1 AND changed_at > $2 "
					   "ORDER BY changed_at, id",
				use(vmId), use(start), into(vmStatuses), into(vmTimes), now;
			vmIds.insert(vmIds.end(), vmStatuses.size(), id);
			statuses.insert(statuses.end(), vmStatuses.begin(), vmStatuses.end());
			times.insert(times.end(), vmTimes.begin(), vmTimes.end());
		}
	}
	else
	{
		// The query reads the VMs' users by id range, joined to the cursors, so that it binds two values however many
		// VMs there are. It looks up the history of the changed VMs only.
		Poco::Int64 first = vms.front().userId;
		Poco::Int64 last = first;
		for (const BillableVm& vm : vms)
		{
			first = std::min<Poco::Int64>(first, vm.userId);
			last = std::max<Poco::Int64>(last, vm.userId);
		}
		session << "SELECT h.vm_id, h.status, h.changed_at FROM vms v LEFT JOIN billing_cursors c ON c.vm_id = v.id "
				   "JOIN vm_status_history h ON h.vm_id = v.id AND h.changed_at > COALESCE(c.charged_until, v.created_at) "
				   "WHERE v.user_id BETWEEN $1 AND $2 AND v.status_changed_at > COALESCE(c.charged_until, v.created_at) "
				   "ORDER BY h.vm_id, h.changed_at, h.id",
			use(first), use(last), into(vmIds), into(statuses), into(times), now;
	}

	for (std::size_t i = 0; i < vmIds.size(); ++i)
	{
		auto start = starts.find(vmIds[i]);
		if (start == starts.end() || times[i] <= start->second)
			continue;
		billing::StatusTimeline& timeline = timelines[vmIds[i]];
		if (times[i] < end)
			timeline.changes.push_back(billing::StatusChange{times[i], statuses[i]});
	}

	for (auto& [vmId, timeline] : timelines)
		timeline.initialStatus = initialStatus(session, vmId, starts[vmId]);
	return timelines;
}

std::string SqlBillingStore::initialStatus(Poco::Data::Session& session, const std::string& vmId, std::int64_t start)
{
	std::vector<std::string> status;
	Poco::Int64 at = start;
	session << "SELECT status FROM vm_status_history WHERE vm_id = $1 AND changed_at <= $2 "
			   "ORDER BY changed_at DESC, id DESC LIMIT 1",
		bind(vmId), use(at), into(status), now;
	// A VM is `creating` until its first recorded status.
	return status.empty() ? std::string("creating") : status.front();
}

void SqlBillingStore::advanceCursors(Poco::Data::Session& session, const std::vector<billing::CursorAdvance>& advances)
{
	std::vector<billing::CursorAdvance> updates;
	std::vector<billing::CursorAdvance> inserts;
	for (const billing::CursorAdvance& advance : advances)
		(advance.from ? updates : inserts).push_back(advance);
	updateCursors(session, updates);
	insertCursors(session, inserts);
}

void SqlBillingStore::updateCursors(Poco::Data::Session& session, const std::vector<billing::CursorAdvance>& updates)
{
	if (updates.empty())
		return;
	const std::string sql = "UPDATE billing_cursors SET charged_until = $1, gpu_seconds_charged = $2, "
							"storage_seconds_charged = $3, network_bytes_charged = $4 WHERE vm_id = $5 AND charged_until = $6";
	if (std::optional<db::SqliteStatement> statement = db::SqliteStatement::borrow(session, sql))
	{
		std::int64_t moved = 0;
		for (const billing::CursorAdvance& advance : updates)
		{
			moved += statement->bind(advance.to.chargedUntil).bind(advance.to.gpuSeconds)
						 .bind(advance.to.storageSeconds).bind(advance.to.networkBytes).bind(advance.vmId)
						 .bind(*advance.from).execute();
		}
		throwUnlessAllMoved(static_cast<std::size_t>(moved), updates.size());
		return;
	}

	// One statement per batch of rows. (The PostgreSQL connector runs a vector binding once per row and reports the
	// count of the last run only.)
	const std::vector<std::string> columns = {"?::text", "?::bigint", "?::bigint", "?::bigint", "?::bigint", "?::bigint"};
	std::size_t moved = 0;
	sql::forEachBatch(updates, sql::kPostgresBatchParameters / columns.size(), [&](const auto& batch) {
		Poco::Data::Statement statement(session);
		statement << "UPDATE billing_cursors AS c SET charged_until = v.until, gpu_seconds_charged = v.gpu, "
					 "storage_seconds_charged = v.storage, network_bytes_charged = v.network FROM (VALUES "
				+ sql::valuesList(batch.size(), columns)
				+ ") AS v (vm_id, from_until, until, gpu, storage, network) "
				  "WHERE c.vm_id = v.vm_id AND c.charged_until = v.from_until";
		for (const billing::CursorAdvance& advance : batch)
		{
			statement, bind(advance.vmId), bind(*advance.from), bind(advance.to.chargedUntil),
				bind(advance.to.gpuSeconds), bind(advance.to.storageSeconds), bind(advance.to.networkBytes);
		}
		moved += statement.execute();
	});
	throwUnlessAllMoved(moved, updates.size());
}

void SqlBillingStore::insertCursors(Poco::Data::Session& session, const std::vector<billing::CursorAdvance>& inserts)
{
	for (const billing::CursorAdvance& advance : inserts)
	{
		Poco::Int64 until = advance.to.chargedUntil;
		Poco::Int64 gpu = advance.to.gpuSeconds;
		Poco::Int64 storage = advance.to.storageSeconds;
		Poco::Int64 network = advance.to.networkBytes;
		std::string id = advance.vmId;
		Poco::Data::Statement statement = (session << "INSERT INTO billing_cursors (vm_id, charged_until, "
			"gpu_seconds_charged, storage_seconds_charged, network_bytes_charged) VALUES ($1, $2, $3, $4, $5) "
			"ON CONFLICT (vm_id) DO NOTHING", use(id), use(until), use(gpu), use(storage), use(network));
		if (statement.execute() != 1)
			throw billing::CursorConflict("Another writer charged VM " + id + " first");
	}
}

void SqlBillingStore::addUsage(Poco::Data::Session& session, const std::vector<billing::UsageRecord>& records)
{
	if (records.empty())
		return;
	const std::string insert =
		"INSERT INTO usage_records (id, user_id, vm_id, hour_start, period_start, period_end, gpu_seconds, storage_gb, "
		"network_bytes, gpu_cost_micros, storage_cost_micros, network_cost_micros, total_cost_micros, ledger_entry_id, "
		"created_at) VALUES ";
	// The update keeps every indexed column, so that adding to a row writes the row alone.
	const std::string onConflict =
		" ON CONFLICT (vm_id, hour_start) DO UPDATE SET period_end = excluded.period_end, "
		"gpu_seconds = usage_records.gpu_seconds + excluded.gpu_seconds, storage_gb = excluded.storage_gb, "
		"network_bytes = usage_records.network_bytes + excluded.network_bytes, "
		"gpu_cost_micros = usage_records.gpu_cost_micros + excluded.gpu_cost_micros, "
		"storage_cost_micros = usage_records.storage_cost_micros + excluded.storage_cost_micros, "
		"network_cost_micros = usage_records.network_cost_micros + excluded.network_cost_micros, "
		"total_cost_micros = usage_records.total_cost_micros + excluded.total_cost_micros, "
		"ledger_entry_id = COALESCE(excluded.ledger_entry_id, usage_records.ledger_entry_id)";
	const std::string sqliteSql = insert
		+ "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, NULLIF($14, ''), $15)" + onConflict;
	if (std::optional<db::SqliteStatement> statement = db::SqliteStatement::borrow(session, sqliteSql))
	{
		for (const billing::UsageRecord& record : records)
		{
			statement->bind(record.id).bind(record.userId).bind(record.vmId).bind(record.hourStart)
				.bind(record.periodStart).bind(record.periodEnd).bind(record.gpuSeconds)
				.bind(std::int64_t(record.storageGb)).bind(record.networkBytes).bind(record.gpuCost)
				.bind(record.storageCost).bind(record.networkCost).bind(record.totalCost).bind(record.ledgerEntryId)
				.bind(record.createdAt).execute();
		}
		return;
	}

	// One statement per batch of rows. A chunk has at most one record per VM, so no row is updated twice in one.
	const std::vector<std::string> columns = {"?::text", "?::bigint", "?::text", "?::bigint", "?::bigint", "?::bigint",
		"?::bigint", "?::integer", "?::bigint", "?::bigint", "?::bigint", "?::bigint", "?::bigint", "NULLIF(?::text, '')",
		"?::bigint"};
	sql::forEachBatch(records, sql::kPostgresBatchParameters / columns.size(), [&](const auto& batch) {
		Poco::Data::Statement statement(session);
		statement << insert + sql::valuesList(batch.size(), columns) + onConflict;
		for (const billing::UsageRecord& record : batch)
		{
			statement, bind(record.id), bind(record.userId), bind(record.vmId), bind(record.hourStart),
				bind(record.periodStart), bind(record.periodEnd), bind(record.gpuSeconds), bind(record.storageGb),
				bind(record.networkBytes), bind(record.gpuCost), bind(record.storageCost), bind(record.networkCost),
				bind(record.totalCost), bind(record.ledgerEntryId), bind(record.createdAt);
		}
		statement.execute();
	});
}

} // namespace gpucloud::providers
