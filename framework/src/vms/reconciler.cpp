#include "vms/reconciler.h"

#include <Poco/Logger.h>

#include "vms/gpu_allocator.h"
#include "vms/job_queue.h"
#include "vms/vm_repository.h"

namespace gpucloud::vms
{

namespace
{

Poco::Logger& logger()
{
	static Poco::Logger& instance = Poco::Logger::get("gpucloud.reconciler");
	return instance;
}

/// How far the clocks of servers that share a database may differ, in seconds.
constexpr std::int64_t kServerClockSkewSeconds = 10;

const std::vector<VmState> kObservedStates = {VmState::Running, VmState::Stopped, VmState::Interrupted,
	VmState::Offline};

} // namespace

Reconciler::Reconciler(db::Database& database, plugin::BackendRegistry& backends,
	std::shared_ptr<catalogue::Inventory> inventory, std::shared_ptr<catalogue::AllocationCache> allocations,
	std::shared_ptr<LiveStatusCache> live, VmService& service, VmSettings settings)
	: _database(database)
	, _backends(backends)
	, _inventory(std::move(inventory))
	, _allocations(std::move(allocations))
	, _live(std::move(live))
	, _service(service)
	, _settings(std::move(settings))
{
}

Reconciler::~Reconciler()
{
	stop();
}

void Reconciler::start()
{
	_stopping = false;
	_thread = std::thread([this] { run(); });
}

void Reconciler::stop()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_all();
	if (_thread.joinable())
		_thread.join();
}

void Reconciler::run()
{
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_wake.wait_for(lock, _settings.reconcileInterval, [this] { return _stopping; }))
	{
		lock.unlock();
		try
		{
			reconcile();
		}
		catch (const std::exception& error)
		{
			logger().error("Reconciliation pass failed: %s", std::string(error.what()));
		}
		lock.lock();
	}
}

ReconcileFigures Reconciler::figures() const
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _figures;
}

void Reconciler::reportOnce(const std::string& key, const std::string& message)
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		if (!_reported.insert(key).second)
			return;
	}
	logger().warning("%s", message);
}

void Reconciler::reconcile()
{
	std::lock_guard<std::mutex> pass(_passMutex);
	std::uint64_t unowned = 0;
	std::uint64_t doubled = 0;
	for (const auto& instance : _backends.instances())
		reconcileBackend(*instance, unowned, doubled);
	restartInterrupted();

	std::lock_guard<std::mutex> lock(_mutex);
	++_figures.passes;
	_figures.unownedVms = unowned;
	_figures.doubleAllocatedGpus = doubled;
}

void Reconciler::reconcileBackend(const plugin::BackendInstance& instance, std::uint64_t& unowned,
	std::uint64_t& doubled)
{
	// The records are read before the listing. A job that changes a VM after this read also changes its row in
	// jobs, so each correction below leaves that VM for the next pass. Jobs may run on other servers, so the pass
	// counts as started earlier by an allowance for their clocks.
	std::int64_t passStarted = db::unixNow() - kServerClockSkewSeconds;
	std::vector<VmRecord> vms;
	{
		Poco::Data::Session session = _database.session();
		for (VmRecord& vm : repository::listInStates(session, kObservedStates))
		{
			if (vm.backend == instance.name && !vm.jobPending)
				vms.push_back(std::move(vm));
		}
	}

	std::vector<sdk::VmStatus> statuses;
	std::string unreachable;
	try
	{
		statuses = instance.backend->listVms();
		_live->update(statuses);
	}
	catch (const sdk::BackendError& error)
	{
		unreachable = "Backend '" + instance.name + "' is unreachable: " + error.what();
		if (!error.isTransient())
		{
			logger().warning("Cannot list the VMs of backend '%s': %s", instance.name, std::string(error.what()));
			return;
		}
	}

	std::map<std::string, const sdk::VmStatus*> byVmId;
	std::map<std::string, std::map<std::string, std::string>> gpuHolders;  // node -> address -> VM
	for (const sdk::VmStatus& status : statuses)
	{
		if (!status.vmId.empty())
			byVmId[status.vmId] = &status;
		for (const std::string& address : status.gpuAddresses)
		{
			auto [holder, inserted] = gpuHolders[status.node].emplace(address, status.vmId);
			if (!inserted)
			{
				++doubled;
				reportOnce("double:" + status.node + ":" + address, "GPU " + address + " on node '" + status.node
					+ "' is held by VM '" + holder->second + "' and VM '" + status.vmId + "' on backend '"
					+ instance.name + "'");
			}
		}
	}

	if (unreachable.empty())
		countUnowned(instance, statuses, unowned, passStarted);

	std::shared_ptr<const catalogue::InventorySnapshot> snapshot = _inventory ? _inventory->snapshot() : nullptr;
	for (const VmRecord& vm : vms)
	{
		std::string reason = unreachable;
		const catalogue::NodeEntry* node = snapshot ? snapshot->find(vm.node) : nullptr;
		if (reason.empty() && node && node->info.status == sdk::NodeStatus::Offline)
			reason = "Node '" + vm.node + "' is unreachable";
		if (reason.empty())
			reason = "The backend no longer reports this VM";
		auto seen = byVmId.find(vm.id);
		try
		{
			checkVm(vm, seen == byVmId.end() ? nullptr : seen->second, reason, passStarted);
		}
		catch (const std::exception& error)
		{
			logger().error("Cannot reconcile VM '%s': %s", vm.id, std::string(error.what()));
		}
	}
}

void Reconciler::countUnowned(const plugin::BackendInstance& instance, const std::vector<sdk::VmStatus>& statuses,
	std::uint64_t& unowned, std::int64_t passStarted)
{
	// Read after the listing, so that a VM whose record was inserted meanwhile counts as owned.
	std::set<std::string> known;
	{
		Poco::Data::Session session = _database.session();
		std::vector<std::string> ids;
		std::string backend = instance.name;
		session << "SELECT id FROM vms WHERE backend = $1 AND status <> 'destroyed'",
			Poco::Data::Keywords::use(backend), Poco::Data::Keywords::into(ids), Poco::Data::Keywords::now;
		known.insert(ids.begin(), ids.end());
		std::vector<std::string> pending;
		session << "SELECT vm_id FROM jobs WHERE state IN ('queued', 'running')", Poco::Data::Keywords::into(pending),
			Poco::Data::Keywords::now;
		known.insert(pending.begin(), pending.end());
	}
	for (const sdk::VmStatus& status : statuses)
	{
		bool owned = !status.vmId.empty() && known.count(status.vmId) != 0;
		if (!owned && !status.vmId.empty())
		{
			// A job of the VM that finished after the listing, such as a destroy, explains it.
			Poco::Data::Session session = _database.session();
			owned = job_queue::activeSince(session, status.vmId, passStarted);
		}
		if (owned)
			continue;
		++unowned;
		reportOnce("unowned:" + instance.name + ":" + status.backendId, "Backend '" + instance.name
			+ "' has VM '" + status.backendId + "' on node '" + status.node + "', which no VM record owns");
	}
}

void Reconciler::checkVm(const VmRecord& vm, const sdk::VmStatus* seen, const std::string& missingReason,
	std::int64_t passStarted)
{
	if (!seen)
	{
		markMissing(vm, missingReason, passStarted);
		return;
	}
	applyPowerState(vm, *seen, passStarted);
}

void Reconciler::markMissing(const VmRecord& vm, const std::string& reason, std::int64_t passStarted)
{
	std::int64_t now = db::unixNow();
	if (vm.status != VmState::Offline)
	{
		bool moved = _database.transaction([&](Poco::Data::Session& session) {
			if (job_queue::activeSince(session, vm.id, passStarted))
				return false;
			return repository::transition(session, vm.id, {vm.status}, VmState::Offline, reason, now);
		});
		if (moved)
		{
			std::lock_guard<std::mutex> lock(_mutex);
			++_figures.vmsMarkedOffline;
			logger().warning("VM '%s' on node '%s' is offline: %s", vm.id, vm.node, reason);
		}
		return;
	}

	bool failed = _database.transaction([&](Poco::Data::Session& session) {
		if (job_queue::activeSince(session, vm.id, passStarted))
			return false;
		if (now - repository::lastStatusChange(session, vm.id) < _settings.offlineGrace.count())
			return false;
		std::string why = "The VM was offline for more than " + std::to_string(_settings.offlineGrace.count())
			+ " s: " + vm.statusReason.value_or(reason);
		if (!repository::transition(session, vm.id, {VmState::Offline}, VmState::Failed, why, now))
			return false;
		repository::release(session, vm.id);
		return true;
	});
	if (failed)
	{
		if (_allocations)
			_allocations->invalidate();
		logger().warning("VM '%s' on node '%s' failed after the offline grace period; its GPUs are released", vm.id,
			vm.node);
	}
}

void Reconciler::applyPowerState(const VmRecord& vm, const sdk::VmStatus& seen, std::int64_t passStarted)
{
	std::int64_t now = db::unixNow();
	bool running = seen.power == sdk::PowerState::Running;
	bool stopped = seen.power == sdk::PowerState::Stopped;
	std::optional<std::string> ip;
	if (!seen.ipAddresses.empty())
		ip = seen.ipAddresses.front();

	if ((vm.status == VmState::Running || vm.status == VmState::Offline) && stopped)
	{
		std::string reason = vm.status == VmState::Offline ? "" : "The VM was powered off outside the server";
		bool moved = _database.transaction([&](Poco::Data::Session& session) {
			if (job_queue::activeSince(session, vm.id, passStarted))
				return false;
			if (!repository::transition(session, vm.id, {vm.status}, VmState::Stopped, reason, now))
				return false;
			repository::release(session, vm.id);
			repository::setIpAddress(session, vm.id, std::nullopt, now);
			return true;
		});
		if (!moved)
			return;
		if (_allocations)
			_allocations->invalidate();
		std::lock_guard<std::mutex> lock(_mutex);
		++_figures.powerChangesRecorded;
		logger().warning("VM '%s' on node '%s' is stopped on the backend; recorded as stopped", vm.id, vm.node);
		return;
	}

	if ((vm.status == VmState::Stopped || vm.status == VmState::Offline) && running)
	{
		bool holds = vm.status == VmState::Offline;
		std::vector<std::string> gpus = seen.gpuAddresses.empty() ? vm.gpuAddresses : seen.gpuAddresses;
		bool changed = false;
		bool moved = _database.transaction([&](Poco::Data::Session& session) {
			if (job_queue::activeSince(session, vm.id, passStarted))
			{
				changed = true;
				return false;
			}
			if (!holds && !gpu_allocator::firstTaken(session, vm.node, gpus).empty())
				return false;
			std::string reason = holds ? "" : "The VM was started outside the server";
			if (!repository::transition(session, vm.id, {vm.status}, VmState::Running, reason, now))
				return false;
			if (!holds)
			{
				repository::setGpuAddresses(session, vm.id, gpus);
				repository::allocate(session, vm.node, gpus, vm.gpuType, vm.id, now);
			}
			repository::setIpAddress(session, vm.id, ip, now);
			return true;
		});
		if (changed)
			return;
		if (!moved)
		{
			reportOnce("conflict:" + vm.id, "VM '" + vm.id + "' runs on node '" + vm.node
				+ "' outside the server, but its GPUs are allocated to another VM");
			return;
		}
		if (_allocations && !holds)
			_allocations->invalidate();
		std::lock_guard<std::mutex> lock(_mutex);
		++_figures.powerChangesRecorded;
		logger().warning("VM '%s' on node '%s' runs on the backend; recorded as running", vm.id, vm.node);
		return;
	}

	if (vm.status == VmState::Running && ip && ip != vm.ipAddress)
	{
		Poco::Data::Session session = _database.session();
		repository::setIpAddress(session, vm.id, ip, now);
	}
}

void Reconciler::restartInterrupted()
{
	std::vector<VmRecord> interrupted;
	{
		Poco::Data::Session session = _database.session();
		interrupted = repository::listInStates(session, {VmState::Interrupted});
	}
	for (const VmRecord& vm : interrupted)
	{
		if (!vm.autoRestart)
			continue;
		try
		{
			_service.restartInterrupted(vm.id);
		}
		catch (const std::exception& error)
		{
			logger().warning("Cannot restart interrupted VM '%s': %s", vm.id, std::string(error.what()));
		}
	}
}

} // namespace gpucloud::vms
