#pragma once

#include <atomic>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "app/background_service.h"
#include "catalogue/inventory.h"
#include "db/database.h"
#include "plugin/backend_registry.h"
#include "vms/live_status_cache.h"
#include "vms/vm_service.h"
#include "vms/vm_settings.h"

namespace gpucloud::vms
{

/// Figures of the last reconciliation pass, for /metrics.
struct ReconcileFigures
{
	std::uint64_t passes = 0;
	std::uint64_t unownedVms = 0;       ///< backend VMs that no VM record owns, in the last pass
	std::uint64_t doubleAllocatedGpus = 0;  ///< GPUs that two VMs hold, in the last pass
	std::uint64_t vmsMarkedOffline = 0;     ///< total since start
	std::uint64_t powerChangesRecorded = 0; ///< total since start
};

/// Compares the database with what each backend reports, every `reconcile_interval_ms`:
/// - a VM the backend no longer lists (or whose node is unreachable) becomes `offline`, and `failed` with its GPUs
///   released once it stayed offline for `offline_grace`; a VM seen again gets its power state back;
/// - a power state changed behind the server's back is recorded (running -> stopped releases the GPUs; stopped
///   -> running takes them back when they are free);
/// - backend VMs that no record owns, and GPUs held by two VMs, are logged once and counted;
/// - interrupted VMs with auto_restart start again when their GPUs are free.
/// VMs with a pending job are left alone: the job owns their state. The same listVms() results refresh the
/// LiveStatusCache behind GET /vms/{id}.
class Reconciler : public app::BackgroundService
{
public:
	Reconciler(db::Database& database, plugin::BackendRegistry& backends,
		std::shared_ptr<catalogue::Inventory> inventory, std::shared_ptr<catalogue::AllocationCache> allocations,
		std::shared_ptr<LiveStatusCache> live, VmService& service, VmSettings settings);
	~Reconciler() override;

	std::string name() const override { return "vm-reconciler"; }
	void start() override;
	void stop() override;

	/// Runs one pass now. Thread-safe with the periodic passes.
	void reconcile();

	ReconcileFigures figures() const;

private:
	void run();
	void reconcileBackend(const plugin::BackendInstance& instance, std::uint64_t& unowned, std::uint64_t& doubled);
	// Counts and reports the listed VMs that no record owns, except those with a job pending or changed since
	// `passStarted`: a destroy job that finished after the listing leaves the record destroyed.
	void countUnowned(const plugin::BackendInstance& instance, const std::vector<sdk::VmStatus>& statuses,
		std::uint64_t& unowned, std::int64_t passStarted);
	// Each correction leaves the VM alone when one of its jobs is pending or changed since `passStarted`.
	void checkVm(const VmRecord& vm, const sdk::VmStatus* seen, const std::string& missingReason,
		std::int64_t passStarted);
	void markMissing(const VmRecord& vm, const std::string& reason, std::int64_t passStarted);
	void applyPowerState(const VmRecord& vm, const sdk::VmStatus& seen, std::int64_t passStarted);
	void restartInterrupted();
	void reportOnce(const std::string& key, const std::string& message);

	db::Database& _database;
	plugin::BackendRegistry& _backends;
	std::shared_ptr<catalogue::Inventory> _inventory;
	std::shared_ptr<catalogue::AllocationCache> _allocations;
	std::shared_ptr<LiveStatusCache> _live;
	VmService& _service;
	VmSettings _settings;

	std::mutex _passMutex;
	mutable std::mutex _mutex;
	std::condition_variable _wake;
	bool _stopping = false;
	std::thread _thread;
	ReconcileFigures _figures;
	std::set<std::string> _reported;
};

} // namespace gpucloud::vms
