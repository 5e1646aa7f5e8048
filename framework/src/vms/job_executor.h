#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include <Poco/JSON/Object.h>

#include "catalogue/inventory.h"
#include "db/database.h"
#include "plugin/backend_registry.h"
#include "vms/credential_box.h"
#include "vms/job_record.h"
#include "vms/vm_record.h"
#include "vms/vm_settings.h"

namespace gpucloud::vms
{

/// Outcome of one run of a job.
struct StepResult
{
	enum class Outcome
	{
		Done,       ///< the job is complete
		Finished,   ///< the job is complete and already marked done, in the transaction that recorded its result
		Cancelled,  ///< the VM moved on (destroyed, failed, changed by another job): nothing left to do
		Deferred,   ///< the job waits: for another job, for the guest's IP address, or for a shutdown to pass
	};

	Outcome outcome = Outcome::Done;
	std::int64_t runAfter = 0;  ///< for Deferred

	static StepResult done() { return {Outcome::Done, 0}; }
	static StepResult finished() { return {Outcome::Finished, 0}; }
	static StepResult cancelled() { return {Outcome::Cancelled, 0}; }
	static StepResult deferred(std::int64_t runAfter) { return {Outcome::Deferred, runAfter}; }
};

/// Carries out the jobs of the VM lifecycle on the VM's backend. Each job kind is written as a sequence of
/// idempotent steps whose progress lives in the database (the VM's status and backend_ref, the job's payload),
/// so that a job interrupted by a restart continues where it stopped. Every status change happens with a
/// compare-and-set on the VM's status, so a job whose VM was destroyed or changed meanwhile ends quietly.
///
/// Throws sdk::BackendError from the backend calls; the JobRunner decides between retry and failure.
class JobExecutor
{
public:
	JobExecutor(db::Database& database, plugin::BackendRegistry& backends, VmSettings settings,
		std::shared_ptr<CredentialBox> credentials, std::shared_ptr<catalogue::AllocationCache> allocations);

	/// Runs the next steps of `job` for the worker `worker`. `stopping` returns true once the server shuts down;
	/// the executor then defers at the next safe point instead of starting another backend call.
	StepResult run(const JobRecord& job, const std::function<bool()>& stopping);

	/// Handles a job that failed for good (a permanent backend error, too many attempts or its deadline): marks the
	/// VM failed with `reason` and releases its GPUs where the API contract requires it, then asks the backend to clean up
	/// what the job may have left behind. Never throws.
	void abandon(const JobRecord& job, const std::string& reason);

	/// Returns the sentence that abandon() records for a failure of `kind`, such as "Provisioning failed: ...".
	static std::string failureReason(JobKind kind, const std::string& detail);

private:
	StepResult create(const JobRecord& job, VmRecord vm, Poco::JSON::Object::Ptr payload,
		const std::function<bool()>& stopping);
	StepResult awaitRunning(const JobRecord& job, const VmRecord& vm, Poco::JSON::Object::Ptr payload);
	StepResult stop(const JobRecord& job, const VmRecord& vm, Poco::JSON::Object::Ptr payload);
	StepResult restart(const JobRecord& job, VmRecord vm, Poco::JSON::Object::Ptr payload,
		const std::function<bool()>& stopping);
	StepResult resize(const JobRecord& job, const VmRecord& vm, Poco::JSON::Object::Ptr payload);

	/// Marks the job done in the transaction that records its result, so that no client sees the VM's new state
	/// while the job still counts as pending (which makes the next action a 409). The step then returns finished().
	static void finishIn(Poco::Data::Session& session, const JobRecord& job, std::int64_t when);
	StepResult destroy(const JobRecord& job, const VmRecord& vm);

	sdk::HypervisorBackend& backendOf(const VmRecord& vm) const;
	sdk::PluginInfo backendInfo(const VmRecord& vm) const;
	void savePayload(const JobRecord& job, const Poco::JSON::Object::Ptr& payload);
	void releaseGpus(const VmRecord& vm);
	void cleanUpAfterFailure(const JobRecord& job, const VmRecord& vm) noexcept;

	db::Database& _database;
	plugin::BackendRegistry& _backends;
	VmSettings _settings;
	std::shared_ptr<CredentialBox> _credentials;
	std::shared_ptr<catalogue::AllocationCache> _allocations;
};

/// Returns the VmRef by which the backend identifies the VM.
sdk::VmRef refOf(const VmRecord& vm);

/// Returns the VmRef for startVm(): with the GPUs the server allocated to the VM.
sdk::VmRef startRefOf(const VmRecord& vm);

} // namespace gpucloud::vms
