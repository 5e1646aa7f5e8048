#include "vms/vm_service.h"

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include "http/api_error.h"
#include "vms/gpu_allocator.h"
#include "vms/job_queue.h"
#include "vms/vm_view.h"

namespace gpucloud::vms
{

namespace
{

Poco::Logger& logger()
{
	static Poco::Logger& instance = Poco::Logger::get("gpucloud.vms");
	return instance;
}

std::string stopPayload(const std::string& reason)
{
	Poco::JSON::Object payload;
	if (!reason.empty())
		payload.set("reason", reason);
	std::ostringstream text;
	payload.stringify(text);
	return text.str();
}

http::ApiError vmNotFound(const std::string& vmId)
{
	return http::notFound("VM '" + vmId + "' not found");
}

} // namespace

std::string describeStatus(const VmRecord& vm)
{
	return "VM '" + vm.id + "' is " + vmStateName(vm.status);
}

VmService::VmService(VmServiceParts parts) : _parts(std::move(parts))
{
}

VmRecord VmService::requireOwned(Poco::Data::Session& session, std::int64_t userId, const std::string& vmId)
{
	std::optional<VmRecord> vm = repository::findOwned(session, vmId, userId);
	if (!vm)
		throw vmNotFound(vmId);
	return *vm;
}

bool VmService::onlineResize(const VmRecord& vm) const
{
	plugin::BackendInstance* instance = _parts.backends->find(vm.backend);
	return instance && instance->info.has(sdk::Capability::OnlineDiskResize);
}

void VmService::ensureAllowed(const VmRecord& vm, VmAction action)
{
	bool busy = action != VmAction::Destroy && vm.jobPending;
	ActionVerdict verdict = checkAction(action, vm.status, onlineResize(vm), busy);
	if (!verdict.allowed)
		throw http::conflict("Cannot " + std::string(vmActionName(action)) + " " + describeStatus(vm) + ": "
			+ verdict.reason);
}

std::string VmService::enqueue(Poco::Data::Session& session, const std::string& vmId, JobKind kind,
	const std::string& payload, std::int64_t when)
{
	std::chrono::seconds timeout = kind == JobKind::Create ? _parts.settings.createTimeout
		: kind == JobKind::Destroy                         ? _parts.settings.destroyTimeout
														   : _parts.settings.actionTimeout;
	return job_queue::enqueue(session, vmId, kind, payload, when + timeout.count(), when);
}

void VmService::afterCommit(bool allocationsChanged)
{
	if (allocationsChanged && _parts.allocations)
		_parts.allocations->invalidate();
	if (_jobSignal)
		_jobSignal();
}

std::vector<VmRecord> VmService::list(const VmListFilter& filter, std::int64_t& total)
{
	Poco::Data::Session session = _parts.database->session();
	return repository::list(session, filter, total);
}

VmRecord VmService::get(std::int64_t userId, const std::string& vmId)
{
	Poco::Data::Session session = _parts.database->session();
	return requireOwned(session, userId, vmId);
}

void VmService::beginStart(Poco::Data::Session& session, const VmRecord& vm, std::int64_t when)
{
	// A stopped VM has no GPUs allocated, so it may get other GPUs of its type on the same node than before.
	std::shared_ptr<const catalogue::InventorySnapshot> snapshot = _parts.inventory->snapshot();
	const catalogue::NodeEntry* node = snapshot ? snapshot->find(vm.node) : nullptr;
	if (!node)
		throw http::conflict("Cannot start VM '" + vm.id + "': node '" + vm.node + "' is not known right now");
	GpuPlan plan;
	try
	{
		plan = gpu_allocator::plan(session, node->info, vm.gpuType, vm.gpuCount, false);
	}
	catch (const http::ApiError& error)
	{
		throw http::conflict("Cannot start VM '" + vm.id + "': " + error.detail());
	}
	if (!repository::transition(session, vm.id, {VmState::Stopped, VmState::Interrupted}, VmState::Starting, "", when))
		throw http::conflict("Cannot start " + describeStatus(vm));
	repository::setGpuAddresses(session, vm.id, plan.addresses);
	repository::allocate(session, vm.node, plan.addresses, vm.gpuType, vm.id, when);
	enqueue(session, vm.id, JobKind::Start, "{}", when);
}

VmRecord VmService::start(std::int64_t userId, const std::string& vmId)
{
	VmRecord result = _parts.database->transaction([&](Poco::Data::Session& session) {
		VmRecord vm = requireOwned(session, userId, vmId);
		ensureAllowed(vm, VmAction::Start);
		beginStart(session, vm, db::unixNow());
		return *repository::find(session, vmId);
	});
	afterCommit(true);
	logger().information("VM '%s' of user %Ld: start queued on node '%s'", vmId, static_cast<Poco::Int64>(userId),
		result.node);
	return result;
}

VmRecord VmService::stop(std::int64_t userId, const std::string& vmId)
{
	VmRecord result = _parts.database->transaction([&](Poco::Data::Session& session) {
		VmRecord vm = requireOwned(session, userId, vmId);
		ensureAllowed(vm, VmAction::Stop);
		std::int64_t when = db::unixNow();
		if (!repository::transition(session, vmId, {VmState::Running}, VmState::Stopping, "", when))
			throw http::conflict("Cannot stop " + describeStatus(vm));
		enqueue(session, vmId, JobKind::Stop, "{}", when);
		return *repository::find(session, vmId);
	});
	afterCommit(false);
	logger().information("VM '%s' of user %Ld: stop queued", vmId, static_cast<Poco::Int64>(userId));
	return result;
}

VmRecord VmService::restart(std::int64_t userId, const std::string& vmId)
{
	VmRecord result = _parts.database->transaction([&](Poco::Data::Session& session) {
		VmRecord vm = requireOwned(session, userId, vmId);
		ensureAllowed(vm, VmAction::Restart);
		std::int64_t when = db::unixNow();
		if (!repository::transition(session, vmId, {VmState::Running}, VmState::Stopping, "", when))
			throw http::conflict("Cannot restart " + describeStatus(vm));
		enqueue(session, vmId, JobKind::Restart, "{}", when);
		return *repository::find(session, vmId);
	});
	afterCommit(false);
	logger().information("VM '%s' of user %Ld: restart queued", vmId, static_cast<Poco::Int64>(userId));
	return result;
}

VmRecord VmService::resize(std::int64_t userId, const std::string& vmId, int storageGb)
{
	VmRecord result = _parts.database->transaction([&](Poco::Data::Session& session) {
		VmRecord vm = requireOwned(session, userId, vmId);
		if (vm.status != VmState::Destroyed && storageGb <= vm.storageGb)
			throw http::ApiError::validation({"body", "storage_gb"}, "The disk can only grow: storage_gb must be "
				"greater than the current " + std::to_string(vm.storageGb) + " GB", "greater_than");
		ensureAllowed(vm, VmAction::Resize);
		Poco::JSON::Object payload;
		payload.set("storage_gb", storageGb);
		std::ostringstream text;
		payload.stringify(text);
		enqueue(session, vmId, JobKind::Resize, text.str(), db::unixNow());
		return *repository::find(session, vmId);
	});
	afterCommit(false);
	logger().information("VM '%s' of user %Ld: disk resize to %d GB queued", vmId, static_cast<Poco::Int64>(userId),
		storageGb);
	return result;
}

VmRecord VmService::destroy(std::int64_t userId, const std::string& vmId)
{
	bool destroyedNow = false;
	VmRecord result = _parts.database->transaction([&](Poco::Data::Session& session) {
		VmRecord vm = requireOwned(session, userId, vmId);
		if (vm.status == VmState::Destroyed)
			return vm;  // idempotent: the first request already did everything
		markDestroyed(session, vm, "");
		destroyedNow = true;
		return *repository::find(session, vmId);
	});
	if (destroyedNow)
	{
		afterDestroy(vmId);
		logger().information("VM '%s' of user %Ld destroyed; backend cleanup queued", vmId,
			static_cast<Poco::Int64>(userId));
	}
	return result;
}

void VmService::destroyVm(const std::string& vmId, const std::string& reason)
{
	bool destroyedNow = _parts.database->transaction([&](Poco::Data::Session& session) {
		std::optional<VmRecord> vm = repository::find(session, vmId);
		if (!vm || vm->status == VmState::Destroyed)
			return false;
		markDestroyed(session, *vm, reason);
		return true;
	});
	if (destroyedNow)
	{
		afterDestroy(vmId);
		logger().information("VM '%s' destroyed (%s); backend cleanup queued", vmId, reason);
	}
}

void VmService::markDestroyed(Poco::Data::Session& session, const VmRecord& vm, const std::string& reason)
{
	std::int64_t when = db::unixNow();
	job_queue::cancelQueued(session, vm.id, when);
	std::vector<VmState> any = {VmState::Creating, VmState::Starting, VmState::Running, VmState::Stopping,
		VmState::Stopped, VmState::Interrupted, VmState::Failed, VmState::Offline};
	if (!repository::transition(session, vm.id, any, VmState::Destroyed, reason, when))
		throw http::conflict("Cannot destroy " + describeStatus(vm));
	if (_parts.billing)
		_parts.billing->settleDestroyedVm(session, vm.id, when);
	enqueue(session, vm.id, JobKind::Destroy, "{}", when);
}

void VmService::afterDestroy(const std::string& vmId)
{
	afterCommit(false);
	_parts.live->erase(vmId);
}

VmRecord VmService::update(std::int64_t userId, const std::string& vmId, const std::optional<std::string>& label,
	std::optional<bool> autoRestart)
{
	return _parts.database->transaction([&](Poco::Data::Session& session) {
		VmRecord vm = requireOwned(session, userId, vmId);
		if (vm.status == VmState::Destroyed)
			throw http::conflict("Cannot update " + describeStatus(vm));
		repository::setLabelAndAutoRestart(session, vmId, label, autoRestart, db::unixNow());
		return *repository::find(session, vmId);
	});
}

void VmService::authorizePortal(std::int64_t userId, const std::string& vmId, const std::string& service)
{
	VmRecord vm = get(userId, vmId);
	const catalogue::TemplateInfo* info = _parts.templates->find(vm.templateVmid);
	bool offered = false;
	if (info)
	{
		for (const std::string& access : info->access)
			offered = offered || access == service;
	}
	if (!offered)
		throw http::forbidden("The template of VM '" + vmId + "' offers no '" + service + "' access");
	if (vm.status != VmState::Running)
		throw http::forbidden(describeStatus(vm) + "; its services are reachable only while it runs");
}

void VmService::render(http::JsonWriter& out, const VmRecord& vm)
{
	VmViewInputs inputs;
	std::shared_ptr<const catalogue::InventorySnapshot> snapshot = _parts.inventory->snapshot();
	if (snapshot)
		inputs.node = snapshot->find(vm.node);
	inputs.templateInfo = _parts.templates->find(vm.templateVmid);
	inputs.live = _parts.live->find(vm.id, std::max(std::chrono::milliseconds(5000), 3 * _parts.settings.reconcileInterval));
	inputs.onlineResize = onlineResize(vm);
	inputs.busy = vm.status != VmState::Destroyed && vm.jobPending;
	renderVm(out, vm, inputs, _parts.settings);
}

std::string VmService::render(const VmRecord& vm)
{
	http::JsonWriter out;
	render(out, vm);
	return out.take();
}

bool VmService::restartInterrupted(const std::string& vmId)
{
	bool queued = _parts.database->transaction([&](Poco::Data::Session& session) {
		std::optional<VmRecord> vm = repository::find(session, vmId);
		if (!vm || vm->status != VmState::Interrupted || !vm->autoRestart || vm->jobPending)
			return false;
		try
		{
			beginStart(session, *vm, db::unixNow());
		}
		catch (const http::ApiError&)
		{
			return false;  // not enough free GPUs yet; the next pass tries again
		}
		return true;
	});
	if (queued)
	{
		afterCommit(true);
		logger().information("Interrupted VM '%s' starts again: GPUs are free (auto_restart)", vmId);
	}
	return queued;
}

void VmService::stopVm(const std::string& vmId, const std::string& reason)
{
	bool queued = _parts.database->transaction([&](Poco::Data::Session& session) {
		std::int64_t when = db::unixNow();
		if (!repository::transition(session, vmId, {VmState::Running}, VmState::Stopping, reason, when))
			return false;
		enqueue(session, vmId, JobKind::Stop, stopPayload(reason), when);
		return true;
	});
	if (queued)
	{
		afterCommit(false);
		logger().information("VM '%s': stop queued (%s)", vmId, reason);
	}
}

} // namespace gpucloud::vms
