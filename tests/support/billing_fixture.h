#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "billing/billing_store.h"
#include "db/database.h"
#include "support/temp_dir.h"
#include "vms/vm_control.h"

namespace gpucloud::testing
{

/// A VM row to insert for billing tests.
struct TestVm
{
	std::string gpuType = "4090";
	int gpuCount = 1;
	int storageGb = 100;
	util::Micros gpuHourlyRate = 500000;
	util::Micros storageHourlyRate = 10000;
	std::int64_t createdAt = 0;
	std::string status = "running";
	std::string rentalType = "on_demand";
	std::string reservationId;
};

/// The time columns of a usage row.
struct UsageHour
{
	std::int64_t hourStart = 0;
	std::int64_t periodStart = 0;
	std::int64_t periodEnd = 0;

	bool operator==(const UsageHour& other) const
	{
		return hourStart == other.hourStart && periodStart == other.periodStart && periodEnd == other.periodEnd;
	}
};

/// A migrated SQLite database in a temporary folder with the SQL billing store, and helpers that insert the user
/// and VM rows that the accounts and VM modules would write.
class BillingFixture
{
public:
	BillingFixture();

	/// Uses the database of `settings` instead, for example an empty PostgreSQL schema, and migrates it.
	explicit BillingFixture(const config::DatabaseSettings& settings);
	~BillingFixture();

	db::Database& database() { return *_database; }
	std::shared_ptr<billing::BillingStore> store() { return _store; }

	/// Inserts a user and, when `credit` is positive, credits it through the ledger. Returns the user id.
	std::int64_t addUser(util::Micros credit = 0, util::Micros maxHourlySpend = 50000000);

	/// Inserts a VM with a status-history row for its status at its creation time. Returns the VM id.
	std::string addVm(std::int64_t userId, const TestVm& vm);

	/// Changes a VM's status at `at` the way the VM module does: the row and a history row in one transaction.
	void setStatus(const std::string& vmId, const std::string& status, std::int64_t at);

	util::Micros balance(std::int64_t userId);
	util::Micros usageTotal(const std::string& vmId);
	std::int64_t usageRows(const std::string& vmId);

	/// Returns the VM's usage rows in time order.
	std::vector<UsageHour> usageHours(const std::string& vmId);

	/// Returns the seconds covered by the VM's usage rows, and throws when two rows overlap or leave a gap.
	std::int64_t coveredSeconds(const std::string& vmId);

	/// Returns an empty string when the user's ledger rows, in sequence order, each have a balance_after equal to
	/// the previous one plus their amount (starting from 0), their sequence numbers have no gap, and the last
	/// balance_after equals the balance; otherwise a description of the first inconsistency.
	std::string ledgerInconsistency(std::int64_t userId);

	/// Returns the number of ledger rows of a type for the user.
	std::int64_t ledgerRows(std::int64_t userId, const std::string& type);

private:
	TempDir _directory;
	std::unique_ptr<db::Database> _database;
	std::shared_ptr<billing::BillingStore> _store;
	std::int64_t _nextVmid = 1000;
};

/// Records the VM operations that the meter requests. Thread-safe.
class RecordingVmControl : public vms::VmControl
{
public:
	struct Call
	{
		std::string operation;
		std::string vmId;
		std::string reason;
	};

	void stopVm(const std::string& vmId, const std::string& reason) override;
	void destroyVm(const std::string& vmId, const std::string& reason) override;
	std::vector<Call> calls() const;

private:
	mutable std::mutex _mutex;
	std::vector<Call> _calls;
};

} // namespace gpucloud::testing
