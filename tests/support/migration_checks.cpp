#include "support/migration_checks.h"

#include <cstdio>
#include <vector>

#include "db/migrator.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::testing
{

namespace
{

/// The first schema versions with usage rows by hour and with vms.status_changed_at.
constexpr int kUsageHoursVersion = 60;
constexpr int kStatusChangedAtVersion = 70;

constexpr Poco::Int64 kCreatedAt = 1700000000;
constexpr int kMinutes = 125;

std::vector<db::Migration> migrationsBefore(int version)
{
	std::vector<db::Migration> before;
	for (const db::Migration& migration : db::embeddedMigrations())
	{
		if (migration.version < version)
			before.push_back(migration);
	}
	return before;
}

std::string numbered(const char* prefix, int number)
{
	char text[40];
	std::snprintf(text, sizeof text, "%s-%04d", prefix, number);
	return text;
}

/// Writes one usage row per minute the way the meter did before rows by hour. Minute m costs m micro-dollars of GPU
/// and 1 of storage and sends m bytes. Ledger entry entry-m paid it, except minute 119, which a reservation deposit
/// paid. The disk grew from 50 to 80 GB at minute 90.
void writeMinuteRows(Poco::Data::Session& session)
{
	session << "INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES "
			   "(951, 'usage-hours@example.com', 'x', 0, 0)",
		now;
	Poco::Int64 created = kCreatedAt;
	session << "INSERT INTO vms (id, user_id, backend, node, template_vmid, gpu_type, gpu_count, storage_gb, ram_gb, "
			   "cpu_cores, rental_type, status, gpu_hourly_rate_micros, storage_hourly_rate_micros, created_at, "
			   "updated_at) VALUES ('usage-vm', 951, 'mock', 'n1', 100, '5090', 1, 50, 64, 16, 'on_demand', 'running', "
			   "890000, 7000, $1, $2)",
		use(created), use(created), now;
	for (int minute = 0; minute < kMinutes; ++minute)
	{
		std::string rowId = numbered("usage", minute);
		Poco::Int64 start = kCreatedAt + 60 * minute;
		Poco::Int64 end = start + 60;
		Poco::Int64 cost = minute;
		Poco::Int64 total = minute + 1;
		int storageGb = minute < 90 ? 50 : 80;
		Poco::Nullable<std::string> entry;
		if (minute != 119)
			entry = numbered("entry", minute);
		session << "INSERT INTO usage_records (id, user_id, vm_id, period_start, period_end, gpu_seconds, storage_gb, "
				   "network_bytes, gpu_cost_micros, storage_cost_micros, network_cost_micros, total_cost_micros, "
				   "ledger_entry_id, created_at) VALUES ($1, 951, 'usage-vm', $2, $3, 60, $4, $5, $6, 1, 0, $7, $8, $9)",
			use(rowId), use(start), use(end), use(storageGb), use(cost), use(cost), use(total), use(entry), use(end),
			now;
	}
}

struct HourRow
{
	std::string id;
	Poco::Int64 hourStart = 0;
	Poco::Int64 periodStart = 0;
	Poco::Int64 periodEnd = 0;
	Poco::Int64 gpuSeconds = 0;
	int storageGb = 0;
	Poco::Int64 networkBytes = 0;
	Poco::Int64 gpuCost = 0;
	Poco::Int64 storageCost = 0;
	Poco::Int64 totalCost = 0;
	std::string ledgerEntryId;

	std::string describe() const
	{
		return "{" + id + ", hour " + std::to_string(hourStart) + ", " + std::to_string(periodStart) + ".."
			+ std::to_string(periodEnd) + ", gpu s " + std::to_string(gpuSeconds) + ", " + std::to_string(storageGb)
			+ " GB, " + std::to_string(networkBytes) + " B, gpu " + std::to_string(gpuCost) + ", storage "
			+ std::to_string(storageCost) + ", total " + std::to_string(totalCost) + ", " + ledgerEntryId + "}";
	}

	bool operator==(const HourRow& other) const { return describe() == other.describe(); }
};

/// The row that minutes [first, last) merge into.
HourRow expectedRow(int first, int last, int storageGb, const std::string& entry)
{
	HourRow row;
	row.id = numbered("usage", first);
	row.hourStart = kCreatedAt + 60 * first;
	row.periodStart = row.hourStart;
	row.periodEnd = kCreatedAt + 60 * last;
	row.gpuSeconds = 60 * (last - first);
	row.storageGb = storageGb;
	for (int minute = first; minute < last; ++minute)
	{
		row.networkBytes += minute;
		row.gpuCost += minute;
		row.storageCost += 1;
		row.totalCost += minute + 1;
	}
	row.ledgerEntryId = entry;
	return row;
}

} // namespace

std::string usageHoursMigrationMismatch(db::Database& database)
{
	db::Migrator(database, migrationsBefore(kUsageHoursVersion)).migrate();
	if (db::Migrator(database).currentVersion() >= kUsageHoursVersion)
		return "the database was already at version " + std::to_string(kUsageHoursVersion);
	database.transaction([](Poco::Data::Session& session) { writeMinuteRows(session); });
	db::Migrator(database).migrate();

	std::vector<std::string> ids, entries;
	std::vector<Poco::Int64> hours, starts, ends, gpuSeconds, network, gpuCost, storageCost, totalCost;
	std::vector<int> storage;
	database.session() << "SELECT id, hour_start, period_start, period_end, gpu_seconds, storage_gb, network_bytes, "
						  "gpu_cost_micros, storage_cost_micros, total_cost_micros, ledger_entry_id FROM usage_records "
						  "WHERE vm_id = 'usage-vm' ORDER BY hour_start",
		into(ids), into(hours), into(starts), into(ends), into(gpuSeconds), into(storage), into(network),
		into(gpuCost), into(storageCost), into(totalCost), into(entries), now;
	std::vector<HourRow> rows;
	for (std::size_t i = 0; i < ids.size(); ++i)
	{
		rows.push_back(HourRow{ids[i], hours[i], starts[i], ends[i], gpuSeconds[i], storage[i], network[i], gpuCost[i],
			storageCost[i], totalCost[i], entries[i]});
	}
	// Ledger entry ids grow with time, so the largest of an hour is its last debit; disks only grow.
	std::vector<HourRow> expected = {expectedRow(0, 60, 50, "entry-0059"), expectedRow(60, 120, 80, "entry-0118"),
		expectedRow(120, kMinutes, 80, "entry-0124")};
	if (rows == expected)
		return "";
	std::string text = "usage rows after the migration:";
	for (const HourRow& row : rows)
		text += " " + row.describe();
	text += "; expected:";
	for (const HourRow& row : expected)
		text += " " + row.describe();
	return text;
}

namespace
{

void insertVm(Poco::Data::Session& session, const std::string& id)
{
	std::string vmId = id;
	session << "INSERT INTO vms (id, user_id, backend, node, template_vmid, gpu_type, gpu_count, storage_gb, ram_gb, "
			   "cpu_cores, rental_type, status, gpu_hourly_rate_micros, storage_hourly_rate_micros, created_at, "
			   "updated_at) VALUES ($1, 952, 'mock', 'n1', 100, '5090', 1, 50, 64, 16, 'on_demand', 'running', 890000, "
			   "7000, 0, 0)",
		use(vmId), now;
}

void insertHistory(Poco::Data::Session& session, const std::string& id, Poco::Int64 at)
{
	std::string vmId = id;
	session << "INSERT INTO vm_status_history (vm_id, status, changed_at) VALUES ($1, 'running', $2)", use(vmId),
		use(at), now;
}

/// Compares each VM's status_changed_at with the latest changed_at of its history (0 without history).
std::string compareStatusChangedAt(db::Database& database, const std::string& step)
{
	std::vector<std::string> ids;
	std::vector<Poco::Int64> stored, latest;
	database.session() << "SELECT v.id, v.status_changed_at, COALESCE((SELECT MAX(h.changed_at) FROM "
						  "vm_status_history h WHERE h.vm_id = v.id), 0) FROM vms v WHERE v.user_id = 952 ORDER BY v.id",
		into(ids), into(stored), into(latest), now;
	std::string text;
	for (std::size_t i = 0; i < ids.size(); ++i)
	{
		if (stored[i] != latest[i])
		{
			text += " " + ids[i] + " has status_changed_at " + std::to_string(stored[i]) + ", latest change "
				+ std::to_string(latest[i]);
		}
	}
	return text.empty() ? "" : "after " + step + ":" + text;
}

} // namespace

std::string statusChangedAtMismatch(db::Database& database)
{
	db::Migrator(database, migrationsBefore(kStatusChangedAtVersion)).migrate();
	if (db::Migrator(database).currentVersion() >= kStatusChangedAtVersion)
		return "the database was already at version " + std::to_string(kStatusChangedAtVersion);
	database.transaction([](Poco::Data::Session& session) {
		session << "INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES "
				   "(952, 'status-changed@example.com', 'x', 0, 0)",
			now;
		insertVm(session, "changed-a");
		insertHistory(session, "changed-a", 100);
		insertHistory(session, "changed-a", 300);
		insertHistory(session, "changed-a", 200);
		insertVm(session, "changed-b");
	});
	db::Migrator(database).migrate();
	std::string mismatch = compareStatusChangedAt(database, "the migration");
	if (!mismatch.empty())
		return mismatch;

	// Servers with different clocks may write changes out of time order; the column keeps the latest.
	database.transaction([](Poco::Data::Session& session) {
		insertHistory(session, "changed-a", 250);
		insertHistory(session, "changed-b", 400);
		insertVm(session, "changed-c");
		insertHistory(session, "changed-c", 50);
	});
	return compareStatusChangedAt(database, "later changes");
}

} // namespace gpucloud::testing
