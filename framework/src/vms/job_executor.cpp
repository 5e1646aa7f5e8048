#include "vms/job_executor.h"

#include <algorithm>
#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Logger.h>

#include "vms/job_queue.h"
#include "vms/vm_repository.h"

namespace gpucloud::vms
{

namespace
{

Poco::Logger& logger()
{
	static Poco::Logger& instance = Poco::Logger::get("gpucloud.jobs");
	return instance;
}

Poco::JSON::Object::Ptr parsePayload(const std::string& text)
{
	try
	{
		Poco::JSON::Object::Ptr object = Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
		if (object)
			return object;
	}
	catch (const Poco::Exception&)
	{
		// A payload that is not an object is treated as empty; the steps then use their defaults.
	}
	return new Poco::JSON::Object;
}

std::vector<std::string> stringArray(const Poco::JSON::Object::Ptr& payload, const std::string& name)
{
	std::vector<std::string> items;
	Poco::JSON::Array::Ptr array = payload->getArray(name);
	if (!array)
		return items;
	for (std::size_t i = 0; i < array->size(); ++i)
		items.push_back(array->getElement<std::string>(static_cast<unsigned>(i)));
	return items;
}

bool inState(const VmRecord& vm, std::initializer_list<VmState> states)
{
	for (VmState state : states)
	{
		if (vm.status == state)
			return true;
	}
	return false;
}

} // namespace

sdk::VmRef refOf(const VmRecord& vm)
{
	return sdk::VmRef{vm.id, vm.node, vm.backendRef, {}};
}

sdk::VmRef startRefOf(const VmRecord& vm)
{
	return sdk::VmRef{vm.id, vm.node, vm.backendRef, vm.gpuAddresses};
}

JobExecutor::JobExecutor(db::Database& database, plugin::BackendRegistry& backends, VmSettings settings,
	std::shared_ptr<CredentialBox> credentials, std::shared_ptr<catalogue::AllocationCache> allocations)
	: _database(database)
	, _backends(backends)
	, _settings(std::move(settings))
	, _credentials(std::move(credentials))
	, _allocations(std::move(allocations))
{
}

sdk::HypervisorBackend& JobExecutor::backendOf(const VmRecord& vm) const
{
	plugin::BackendInstance* instance = _backends.find(vm.backend);
	if (!instance || !instance->backend)
		throw sdk::BackendError(sdk::ErrorKind::Fatal, "Backend '" + vm.backend + "' of VM '" + vm.id
			+ "' is not configured");
	return *instance->backend;
}

sdk::PluginInfo JobExecutor::backendInfo(const VmRecord& vm) const
{
	plugin::BackendInstance* instance = _backends.find(vm.backend);
	return instance ? instance->info : sdk::PluginInfo{};
}

void JobExecutor::savePayload(const JobRecord& job, const Poco::JSON::Object::Ptr& payload)
{
	std::ostringstream text;
	payload->stringify(text);
	Poco::Data::Session session = _database.session();
	job_queue::updatePayload(session, job.id, text.str());
}

void JobExecutor::releaseGpus(const VmRecord& vm)
{
	Poco::Data::Session session = _database.session();
	repository::release(session, vm.id);
	if (_allocations)
		_allocations->invalidate();
}

StepResult JobExecutor::run(const JobRecord& job, const std::function<bool()>& stopping)
{
	std::optional<VmRecord> vm;
	{
		Poco::Data::Session session = _database.session();
		vm = repository::find(session, job.vmId);
	}
	if (!vm)
		return StepResult::cancelled();
	Poco::JSON::Object::Ptr payload = parsePayload(job.payload);

	switch (job.kind)
	{
	case JobKind::Create: return create(job, *vm, payload, stopping);
	case JobKind::Start:
		if (vm->status != VmState::Starting)
			return StepResult::cancelled();
		return awaitRunning(job, *vm, payload);
	case JobKind::Stop: return stop(job, *vm, payload);
	case JobKind::Restart: return restart(job, *vm, payload, stopping);
	case JobKind::Resize: return resize(job, *vm, payload);
	case JobKind::Destroy: return destroy(job, *vm);
	}
	return StepResult::cancelled();
}

StepResult JobExecutor::create(const JobRecord& job, VmRecord vm, Poco::JSON::Object::Ptr payload,
	const std::function<bool()>& stopping)
{
	if (!inState(vm, {VmState::Creating, VmState::Starting}))
		return StepResult::cancelled();

	if (vm.status == VmState::Creating)
	{
		{
			// Preempted VMs must be off the backend before their GPUs can be given to this one.
			Poco::Data::Session session = _database.session();
			if (job_queue::anyPending(session, stringArray(payload, "wait_for")))
				return StepResult::deferred(db::unixNow() + 1);
		}

		sdk::VmSpec spec;
		spec.vmId = vm.id;
		spec.hostname = "vm-" + vm.id.substr(0, 8);
		spec.node = vm.node;
		spec.templateVmid = vm.templateVmid;
		spec.cpuCores = static_cast<std::uint32_t>(vm.cpuCores);
		spec.ramMb = static_cast<std::uint64_t>(vm.ramGb) * 1024;
		spec.diskGb = static_cast<std::uint64_t>(vm.storageGb);
		spec.gpuAddresses = vm.gpuAddresses;
		spec.credentials.user = _settings.sshUser;
		spec.credentials.sshPublicKeys = stringArray(payload, "ssh_public_keys");
		if (payload->has("sealed_password"))
			spec.credentials.password = _credentials->open(payload->getValue<std::string>("sealed_password"), vm.id);

		sdk::CreatedVm created = backendOf(vm).createVm(spec);

		bool moved = _database.transaction([&](Poco::Data::Session& session) {
			std::int64_t when = db::unixNow();
			std::int64_t vmid = created.vmid > 0 ? created.vmid : repository::sequenceVmid(session, vm.id);
			repository::setBackendRef(session, vm.id, created.backendId, vmid, when);
			if (!repository::transition(session, vm.id, {VmState::Creating}, VmState::Starting, "", when))
				return false;
			// The backend has the credentials now; the sealed password has no further use.
			payload->remove("sealed_password");
			std::ostringstream text;
			payload->stringify(text);
			job_queue::updatePayload(session, job.id, text.str());
			return true;
		});
		if (!moved)
			return StepResult::cancelled();
		logger().information("Job '%s': VM '%s' created on node '%s' as '%s'", job.id, vm.id, vm.node,
			created.backendId);
		vm.backendRef = created.backendId;
		vm.status = VmState::Starting;
		if (stopping())
			return StepResult::deferred(db::unixNow());
	}
	return awaitRunning(job, vm, payload);
}

StepResult JobExecutor::awaitRunning(const JobRecord& job, const VmRecord& vm, Poco::JSON::Object::Ptr payload)
{
	sdk::HypervisorBackend& backend = backendOf(vm);
	if (!payload->has("started_at"))
	{
		backend.startVm(startRefOf(vm));
		payload->set("started_at", static_cast<Poco::Int64>(db::unixNow()));
		savePayload(job, payload);
		logger().information("Job '%s': VM '%s' powered on", job.id, vm.id);
	}
	std::int64_t startedAt = payload->getValue<Poco::Int64>("started_at");
	std::int64_t now = db::unixNow();
	bool timedOut = now >= startedAt + _settings.ipTimeout.count();

	sdk::VmStatus status = backend.getVmStatus(refOf(vm));
	if (status.power != sdk::PowerState::Running)
	{
		if (timedOut)
			throw sdk::BackendError(sdk::ErrorKind::Fatal, "VM '" + vm.id + "' on node '" + vm.node
				+ "' did not reach the running state within " + std::to_string(_settings.ipTimeout.count()) + " s");
		return StepResult::deferred(now + _settings.statusPollInterval.count());
	}

	std::optional<std::string> ip;
	if (!status.ipAddresses.empty())
		ip = status.ipAddresses.front();
	std::string reason;
	if (!ip)
	{
		if (!backendInfo(vm).has(sdk::Capability::GuestIpReporting))
			reason = "The backend does not report guest IP addresses";
		else if (timedOut)
			reason = "No IP address was reported within " + std::to_string(_settings.ipTimeout.count())
				+ " s of the start";
		else
			return StepResult::deferred(now + _settings.statusPollInterval.count());
	}

	bool moved = _database.transaction([&](Poco::Data::Session& session) {
		if (!repository::transition(session, vm.id, {VmState::Starting}, VmState::Running, reason, now))
			return false;
		repository::setIpAddress(session, vm.id, ip, now);
		finishIn(session, job, now);
		return true;
	});
	if (moved)
		logger().information("Job '%s': VM '%s' is running (IP %s)", job.id, vm.id, ip.value_or("unknown"));
	return moved ? StepResult::finished() : StepResult::cancelled();
}

StepResult JobExecutor::stop(const JobRecord& job, const VmRecord& vm, Poco::JSON::Object::Ptr payload)
{
	if (!inState(vm, {VmState::Stopping, VmState::Interrupted}))
		return StepResult::cancelled();
	backendOf(vm).stopVm(refOf(vm), _settings.stopGracePeriod);

	std::string reason = payload->has("reason") ? payload->getValue<std::string>("reason") : "";
	_database.transaction([&](Poco::Data::Session& session) {
		std::int64_t when = db::unixNow();
		repository::release(session, vm.id);
		if (vm.status == VmState::Stopping)
			repository::transition(session, vm.id, {VmState::Stopping}, VmState::Stopped, reason, when);
		repository::setIpAddress(session, vm.id, std::nullopt, when);
		finishIn(session, job, when);
	});
	if (_allocations)
		_allocations->invalidate();
	logger().information("Job '%s': VM '%s' stopped; its GPUs are free", job.id, vm.id);
	return StepResult::finished();
}

StepResult JobExecutor::restart(const JobRecord& job, VmRecord vm, Poco::JSON::Object::Ptr payload,
	const std::function<bool()>& stopping)
{
	if (!inState(vm, {VmState::Stopping, VmState::Starting}))
		return StepResult::cancelled();
	if (vm.status == VmState::Stopping)
	{
		sdk::HypervisorBackend& backend = backendOf(vm);
		if (backendInfo(vm).has(sdk::Capability::Reboot))
		{
			backend.rebootVm(refOf(vm));
			payload->set("started_at", static_cast<Poco::Int64>(db::unixNow()));
		}
		else
		{
			// Without a reboot call: power off and on again. The GPUs stay allocated to the VM meanwhile.
			backend.stopVm(refOf(vm), _settings.stopGracePeriod);
		}
		bool moved = _database.transaction([&](Poco::Data::Session& session) {
			if (!repository::transition(session, vm.id, {VmState::Stopping}, VmState::Starting, "", db::unixNow()))
				return false;
			std::ostringstream text;
			payload->stringify(text);
			job_queue::updatePayload(session, job.id, text.str());
			return true;
		});
		if (!moved)
			return StepResult::cancelled();
		vm.status = VmState::Starting;
		if (stopping())
			return StepResult::deferred(db::unixNow());
	}
	return awaitRunning(job, vm, payload);
}

StepResult JobExecutor::resize(const JobRecord& job, const VmRecord& vm, Poco::JSON::Object::Ptr payload)
{
	if (!inState(vm, {VmState::Stopped, VmState::Running}))
		return StepResult::cancelled();
	int storageGb = payload->getValue<int>("storage_gb");
	backendOf(vm).resizeDisk(refOf(vm), static_cast<std::uint64_t>(storageGb));

	// The per-GB rate fixed at creation applies to the new size.
	util::Micros rate = vm.storageGb > 0 ? util::mulDiv(vm.storageHourlyRate, storageGb, vm.storageGb)
										 : vm.storageHourlyRate;
	_database.transaction([&](Poco::Data::Session& session) {
		std::int64_t when = db::unixNow();
		repository::setStorage(session, vm.id, storageGb, rate, when);
		finishIn(session, job, when);
	});
	logger().information("Job '%s': disk of VM '%s' grown to %d GB", job.id, vm.id, storageGb);
	return StepResult::finished();
}

StepResult JobExecutor::destroy(const JobRecord& job, const VmRecord& vm)
{
	backendOf(vm).destroyVm(refOf(vm));
	releaseGpus(vm);
	logger().information("Job '%s': VM '%s' removed from node '%s'; its GPUs are free", job.id, vm.id, vm.node);
	return StepResult::done();
}

void JobExecutor::finishIn(Poco::Data::Session& session, const JobRecord& job, std::int64_t when)
{
	job_queue::finish(session, job.id, job.claimedBy, false, when);
}

std::string JobExecutor::failureReason(JobKind kind, const std::string& detail)
{
	switch (kind)
	{
	case JobKind::Create: return "Provisioning failed: " + detail;
	case JobKind::Start: return "Start failed: " + detail;
	case JobKind::Stop: return "Stop failed: " + detail;
	case JobKind::Restart: return "Restart failed: " + detail;
	case JobKind::Resize: return "Disk resize failed: " + detail;
	case JobKind::Destroy: return "Removal from the backend failed: " + detail;
	}
	return detail;
}

void JobExecutor::abandon(const JobRecord& job, const std::string& reason)
{
	try
	{
		std::optional<VmRecord> vm;
		{
			Poco::Data::Session session = _database.session();
			vm = repository::find(session, job.vmId);
		}
		if (!vm)
			return;

		if (job.kind == JobKind::Resize)
		{
			Poco::Data::Session session = _database.session();
			repository::setStatusReason(session, vm->id, reason, db::unixNow());
			return;
		}
		if (job.kind == JobKind::Destroy)
		{
			releaseGpus(*vm);
			logger().error("Job '%s': VM '%s' is destroyed, but the backend may still hold it: %s", job.id, vm->id,
				reason);
			return;
		}

		// Power off or remove the VM on the backend before its GPUs go back to the pool: released first, they could
		// be given to a new VM that the backend refuses to start while this one still holds them.
		const std::vector<VmState> from = {VmState::Creating, VmState::Starting, VmState::Stopping, VmState::Running};
		if (std::find(from.begin(), from.end(), vm->status) == from.end())
			return;
		cleanUpAfterFailure(job, *vm);

		bool failed = _database.transaction([&](Poco::Data::Session& session) {
			if (!repository::transition(session, vm->id, from, VmState::Failed, reason, db::unixNow()))
				return false;
			repository::release(session, vm->id);
			repository::setIpAddress(session, vm->id, std::nullopt, db::unixNow());
			return true;
		});
		if (!failed)
			return;
		if (_allocations)
			_allocations->invalidate();
		logger().warning("Job '%s': VM '%s' failed: %s", job.id, vm->id, reason);
	}
	catch (const std::exception& error)
	{
		logger().error("Job '%s': cannot record the failure of VM '%s': %s", job.id, job.vmId,
			std::string(error.what()));
	}
}

void JobExecutor::cleanUpAfterFailure(const JobRecord& job, const VmRecord& vm) noexcept
{
	// A failed VM never runs again, so its backend resources should not hold GPUs: remove a half-created VM, and
	// power off one whose start or stop failed. Best effort; the reconciler reports what remains.
	try
	{
		if (job.kind == JobKind::Create)
			backendOf(vm).destroyVm(refOf(vm));
		else
			backendOf(vm).stopVm(refOf(vm), std::chrono::seconds(0));
	}
	catch (const std::exception& error)
	{
		logger().warning("Job '%s': cleaning up failed VM '%s' on node '%s' failed too: %s", job.id, vm.id, vm.node,
			std::string(error.what()));
	}
}

} // namespace gpucloud::vms
