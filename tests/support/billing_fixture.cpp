#include "support/billing_fixture.h"

#include <stdexcept>

#include "billing/sql_billing_store.h"
#include "db/migrator.h"
#include "util/random.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::testing
{

namespace
{

config::DatabaseSettings sqliteSettings()
{
	config::DatabaseSettings settings;
	settings.path = "billing.db";
	settings.poolMax = 8;
	return settings;
}

} // namespace

BillingFixture::BillingFixture() : BillingFixture(sqliteSettings())
{
}

BillingFixture::BillingFixture(const config::DatabaseSettings& settings)
{
	_database = std::make_unique<db::Database>(settings, _directory.path().string());
	db::Migrator(*_database).migrate();
	_store = std::make_shared<providers::SqlBillingStore>();
}

BillingFixture::~BillingFixture()
{
	_store.reset();
	_database->close();
}

std::int64_t BillingFixture::addUser(util::Micros credit, util::Micros maxHourlySpend)
{
	std::string email = util::randomHex(6) + "@example.com";
	Poco::Int64 spend = maxHourlySpend;
	Poco::Int64 at = 1000;
	Poco::Int64 id = 0;
	_database->transaction([&](Poco::Data::Session& session) {
		session << "INSERT INTO users (email, password_hash, max_hourly_spend_micros, created_at, updated_at) "
				   "VALUES ($1, 'x', $2, $3, $3)",
			use(email), use(spend), use(at), now;
		session << "SELECT id FROM users WHERE email = $1", use(email), into(id), now;
		if (credit > 0)
		{
			billing::LedgerPosting posting{util::uuid4(), id, billing::kEntryCredit, credit, "Test credit", "{}", "", at};
			_store->post(session, {posting});
		}
	});
	return id;
}

std::string BillingFixture::addVm(std::int64_t userId, const TestVm& vm)
{
	std::string id = util::uuid4();
	Poco::Int64 user = userId;
	Poco::Int64 vmid = _nextVmid++;
	Poco::Int64 gpuRate = vm.gpuHourlyRate;
	Poco::Int64 storageRate = vm.storageHourlyRate;
	Poco::Int64 createdAt = vm.createdAt;
	int gpuCount = vm.gpuCount;
	int storageGb = vm.storageGb;
	std::string reservation = vm.reservationId;
	_database->transaction([&](Poco::Data::Session& session) {
		session << "INSERT INTO vms (id, vmid, user_id, backend, node, template_vmid, gpu_type, gpu_count, storage_gb, "
				   "ram_gb, cpu_cores, rental_type, reservation_id, status, gpu_hourly_rate_micros, "
				   "storage_hourly_rate_micros, created_at, updated_at) VALUES ($1, $2, $3, 'mock', 'vm01', 100, $4, $5, "
				   "$6, 16, 8, $7, NULLIF($8, ''), $9, $10, $11, $12, $12)",
			use(id), use(vmid), use(user), bind(vm.gpuType), use(gpuCount), use(storageGb), bind(vm.rentalType),
			use(reservation), bind(vm.status), use(gpuRate), use(storageRate), use(createdAt), now;
		session << "INSERT INTO vm_status_history (vm_id, status, changed_at) VALUES ($1, $2, $3)", use(id),
			bind(vm.status), use(createdAt), now;
	});
	return id;
}

void BillingFixture::setStatus(const std::string& vmId, const std::string& status, std::int64_t at)
{
	Poco::Int64 time = at;
	std::string id = vmId;
	std::string value = status;
	_database->transaction([&](Poco::Data::Session& session) {
		session << "UPDATE vms SET status = $1, updated_at = $2 WHERE id = $3", use(value), use(time), use(id), now;
		session << "INSERT INTO vm_status_history (vm_id, status, changed_at) VALUES ($1, $2, $3)", use(id),
			use(value), use(time), now;
	});
}

util::Micros BillingFixture::balance(std::int64_t userId)
{
	Poco::Int64 id = userId;
	Poco::Int64 value = 0;
	_database->session() << "SELECT balance_micros FROM users WHERE id = $1", use(id), into(value), now;
	return value;
}

util::Micros BillingFixture::usageTotal(const std::string& vmId)
{
	std::string id = vmId;
	Poco::Int64 total = 0;
	_database->session() << "SELECT COALESCE(SUM(total_cost_micros), 0) FROM usage_records WHERE vm_id = $1", use(id),
		into(total), now;
	return total;
}

std::int64_t BillingFixture::usageRows(const std::string& vmId)
{
	std::string id = vmId;
	Poco::Int64 count = 0;
	_database->session() << "SELECT COUNT(*) FROM usage_records WHERE vm_id = $1", use(id), into(count), now;
	return count;
}

std::vector<UsageHour> BillingFixture::usageHours(const std::string& vmId)
{
	std::string id = vmId;
	std::vector<Poco::Int64> hours, starts, ends;
	_database->session() << "SELECT hour_start, period_start, period_end FROM usage_records WHERE vm_id = $1 "
							"ORDER BY period_start",
		use(id), into(hours), into(starts), into(ends), now;
	std::vector<UsageHour> rows;
	for (std::size_t i = 0; i < starts.size(); ++i)
		rows.push_back(UsageHour{hours[i], starts[i], ends[i]});
	return rows;
}

std::int64_t BillingFixture::coveredSeconds(const std::string& vmId)
{
	std::vector<UsageHour> rows = usageHours(vmId);
	std::int64_t covered = 0;
	for (std::size_t i = 0; i < rows.size(); ++i)
	{
		if (i > 0 && rows[i].periodStart != rows[i - 1].periodEnd)
		{
			throw std::runtime_error("Usage rows of VM " + vmId + " leave a gap or overlap at "
				+ std::to_string(rows[i - 1].periodEnd) + " / " + std::to_string(rows[i].periodStart));
		}
		covered += rows[i].periodEnd - rows[i].periodStart;
	}
	return covered;
}

std::string BillingFixture::ledgerInconsistency(std::int64_t userId)
{
	Poco::Int64 id = userId;
	std::vector<Poco::Int64> amounts, balances, sequences;
	_database->session() << "SELECT amount_micros, balance_after_micros, user_seq FROM ledger_entries "
							"WHERE user_id = $1 ORDER BY user_seq",
		use(id), into(amounts), into(balances), into(sequences), now;
	util::Micros running = 0;
	for (std::size_t i = 0; i < amounts.size(); ++i)
	{
		running += amounts[i];
		if (sequences[i] != static_cast<Poco::Int64>(i + 1))
			return "sequence " + std::to_string(sequences[i]) + " at position " + std::to_string(i + 1);
		if (balances[i] != running)
		{
			return "entry " + std::to_string(sequences[i]) + " has balance_after " + std::to_string(balances[i])
				+ ", the sum of the amounts is " + std::to_string(running);
		}
	}
	if (running != balance(userId))
		return "the ledger sums to " + std::to_string(running) + ", the balance is " + std::to_string(balance(userId));
	return "";
}

std::int64_t BillingFixture::ledgerRows(std::int64_t userId, const std::string& type)
{
	Poco::Int64 id = userId;
	std::string entryType = type;
	Poco::Int64 count = 0;
	_database->session() << "SELECT COUNT(*) FROM ledger_entries WHERE user_id = $1 AND entry_type = $2", use(id),
		use(entryType), into(count), now;
	return count;
}

void RecordingVmControl::stopVm(const std::string& vmId, const std::string& reason)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_calls.push_back(Call{"stop", vmId, reason});
}

void RecordingVmControl::destroyVm(const std::string& vmId, const std::string& reason)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_calls.push_back(Call{"destroy", vmId, reason});
}

std::vector<RecordingVmControl::Call> RecordingVmControl::calls() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _calls;
}

} // namespace gpucloud::testing
