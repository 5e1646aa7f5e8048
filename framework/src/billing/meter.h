#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "billing/billing_store.h"
#include "billing/charge_recorder.h"
#include "db/database.h"
#include "pricing/pricing_provider.h"
#include "vms/vm_control.h"

namespace gpucloud::billing
{

/// Meter policy for accounts in debt, and the size of its transactions.
struct MeterOptions
{
	std::size_t chunkVms = 10000;  ///< VMs per transaction, rounded up to whole users
	bool destroyWhenInDebt = false;
	std::int64_t debtGraceSeconds = 7 * 24 * 3600;
	int conflictRetries = 3;  ///< attempts per chunk when another writer moved a cursor first
};

/// An action the meter takes on a VM once its charges are committed.
struct DebtAction
{
	enum class Kind
	{
		Stop,
		Destroy,
	};

	Kind kind = Kind::Stop;
	std::string vmId;
	std::int64_t userId = 0;
	std::string reason;
};

/// Summary of one meter pass.
struct MeterReport
{
	std::size_t users = 0;
	std::size_t vmsCharged = 0;  ///< VMs whose cursor moved
	std::size_t usageRecords = 0;
	std::size_t chunks = 0;
	std::size_t conflicts = 0;   ///< chunks retried because another writer charged first
	util::Micros charged = 0;
	std::vector<DebtAction> actions;
};

/// Charges every billable VM up to a given time, one transaction per chunk of users, and stops the running VMs of
/// accounts whose balance reached zero. Safe to run from several threads or servers at once against one database:
/// every cursor moves only from the value the charge was computed from, so each second is charged once.
// NOTE: on SQLite a pass over 100,000 VMs takes about 1.8 s of CPU and 2 s of wall time in chunks of 10,000 VMs
// (docs/benchmarks.md), not the one second aimed for. Reading the VMs and their status changes, the usage rows
// with their three indexes, and the WAL checkpoints after each commit take most of it.
class Meter
{
public:
	using VmControlSource = std::function<std::shared_ptr<vms::VmControl>()>;

	/// `pricing` supplies the network rate and may be null (no network charge). `vmControl` returns the VM
	/// operations at the time of use, or null while none is installed: the decisions are then only reported.
	Meter(db::Database& database, std::shared_ptr<BillingStore> store,
		std::shared_ptr<pricing::PricingProvider> pricing, VmControlSource vmControl, MeterOptions options);

	/// Charges every billable VM up to `end` (Unix seconds). Chunks committed before a failure stay committed; the
	/// failure is rethrown and the next pass charges what is left, from the cursors. Not reentrant per instance.
	MeterReport charge(std::int64_t end);

private:
	/// Cuts the users with billable VMs, in id order, into chunks of about chunkVms VMs.
	std::vector<std::vector<std::int64_t>> chunkUsers(Poco::Data::Session& session);
	void chargeChunk(const std::vector<std::int64_t>& userIds, std::int64_t end, MeterReport& report);
	std::vector<DebtAction> decideDebtActions(Poco::Data::Session& session, const std::vector<BillableVm>& vms,
		const RecordedCharges& recorded, std::int64_t end);
	void apply(const std::vector<DebtAction>& actions);

	db::Database& _database;
	std::shared_ptr<BillingStore> _store;
	std::shared_ptr<pricing::PricingProvider> _pricing;
	VmControlSource _vmControl;
	MeterOptions _options;
	ChargeRecorder _recorder;
};

} // namespace gpucloud::billing
