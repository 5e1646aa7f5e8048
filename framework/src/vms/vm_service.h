#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <Poco/Data/Session.h>
#include <Poco/JSON/Object.h>

#include "billing/billing_service.h"
#include "catalogue/inventory.h"
#include "catalogue/templates.h"
#include "db/database.h"
#include "http/json_writer.h"
#include "plugin/backend_registry.h"
#include "pricing/pricing_provider.h"
#include "sshkeys/ssh_key_store.h"
#include "vms/credential_box.h"
#include "vms/job_record.h"
#include "vms/live_status_cache.h"
#include "vms/vm_control.h"
#include "vms/vm_repository.h"
#include "vms/vm_settings.h"

namespace gpucloud::vms
{

/// A validated POST /vms body.
struct CreateVmRequest
{
	std::string node;
	std::string gpuType;
	int gpuCount = 1;
	int storageGb = 50;
	std::int64_t templateVmid = 0;
	pricing::RentalType rentalType = pricing::RentalType::OnDemand;
	int reservationMonths = 0;
	bool passwordAuth = false;
	std::optional<std::string> sshKeyId;
	std::string password;  ///< a secret: never logged, stored only sealed
	std::string instanceLabel;
	bool autoRestart = false;
};

/// The response of POST /vms: freshly built, or the stored first response to the same Idempotency-Key.
struct CreateResponse
{
	int status = 201;
	std::string body;
	bool replayed = false;
};

/// Dependencies of the VM service. Every pointer except `billing` is required.
struct VmServiceParts
{
	db::Database* database = nullptr;
	plugin::BackendRegistry* backends = nullptr;
	VmSettings settings;
	std::shared_ptr<catalogue::Inventory> inventory;
	std::shared_ptr<catalogue::AllocationCache> allocations;
	std::shared_ptr<const catalogue::TemplateCatalogue> templates;
	std::shared_ptr<pricing::PricingProvider> pricing;
	std::shared_ptr<billing::BillingService> billing;  ///< null: no billing rules apply
	std::shared_ptr<sshkeys::SshKeyStore> sshKeys;
	std::shared_ptr<CredentialBox> credentials;
	std::shared_ptr<LiveStatusCache> live;
};

/// The VM lifecycle as users see it: validation, the database transactions that move a VM between states and
/// queue the jobs that do the backend work, and the VM objects of the API. Never calls a backend: the job runner
/// does. Thread-safe.
///
/// Every method that takes a user id returns or changes only that user's VMs and throws ApiError(404) for any
/// other VM id, so another user's VM is indistinguishable from a missing one. Conflicting actions throw
/// ApiError(409) naming the VM's status.
class VmService : public VmControl
{
public:
	explicit VmService(VmServiceParts parts);

	/// Validates and creates a VM (see vm_creation.cpp). With a non-empty `idempotencyKey`, a repeated request with
	/// the same `requestHash` within the retention time returns the first response and creates nothing; another
	/// hash gets 409.
	CreateResponse create(std::int64_t userId, const CreateVmRequest& request, const std::string& idempotencyKey,
		const std::string& requestHash);

	std::vector<VmRecord> list(const VmListFilter& filter, std::int64_t& total);
	VmRecord get(std::int64_t userId, const std::string& vmId);

	VmRecord start(std::int64_t userId, const std::string& vmId);
	VmRecord stop(std::int64_t userId, const std::string& vmId);
	VmRecord restart(std::int64_t userId, const std::string& vmId);
	VmRecord resize(std::int64_t userId, const std::string& vmId, int storageGb);
	VmRecord destroy(std::int64_t userId, const std::string& vmId);
	VmRecord update(std::int64_t userId, const std::string& vmId, const std::optional<std::string>& label,
		std::optional<bool> autoRestart);

	/// Checks that the user may reach `service` ("webui", "jupyter", "ssh") of the VM through the portal: 404 for
	/// a VM that is not the user's, 403 when the VM is not running or its template does not offer the service.
	void authorizePortal(std::int64_t userId, const std::string& vmId, const std::string& service);

	/// Writes the API object of a VM, with live figures, `access` and `actions`. The row's `jobPending` decides
	/// whether an action is in progress.
	void render(http::JsonWriter& out, const VmRecord& vm);

	/// The API object of a VM as JSON text.
	std::string render(const VmRecord& vm);

	/// Starts an interrupted VM with auto_restart again when its GPUs are free. Returns true when it queued the start.
	bool restartInterrupted(const std::string& vmId);

	/// VmControl: stops a running VM for another module, such as the billing meter.
	void stopVm(const std::string& vmId, const std::string& reason) override;
	void destroyVm(const std::string& vmId, const std::string& reason) override;

	/// Sets the function called after a transaction queued a job, so that the job runner starts it at once.
	void setJobSignal(std::function<void()> signal) { _jobSignal = std::move(signal); }

	const VmSettings& settings() const { return _parts.settings; }

private:
	VmRecord requireOwned(Poco::Data::Session& session, std::int64_t userId, const std::string& vmId);
	void ensureAllowed(const VmRecord& vm, VmAction action);
	bool onlineResize(const VmRecord& vm) const;

	/// Moves a stopped or interrupted VM to starting and takes its GPUs back; 409 when one is in use.
	void beginStart(Poco::Data::Session& session, const VmRecord& vm, std::int64_t when);

	std::string enqueue(Poco::Data::Session& session, const std::string& vmId, JobKind kind,
		const std::string& payload, std::int64_t when);
	void afterCommit(bool allocationsChanged);

	/// Cancels the VM's queued jobs, marks it destroyed with `reason`, settles its billing and queues the backend
	/// cleanup, inside the caller's transaction.
	void markDestroyed(Poco::Data::Session& session, const VmRecord& vm, const std::string& reason);
	void afterDestroy(const std::string& vmId);

	// vm_creation.cpp
	void validate(std::int64_t userId, const CreateVmRequest& request, const catalogue::NodeEntry*& node,
		std::vector<std::string>& sshKeys, util::Micros& gpuRate, util::Micros& storageRate);
	CreateResponse insertVm(Poco::Data::Session& session, std::int64_t userId, const CreateVmRequest& request,
		const catalogue::NodeEntry& node, const std::vector<std::string>& sshKeys, util::Micros gpuRate,
		util::Micros storageRate, const std::string& idempotencyKey, const std::string& requestHash);
	std::optional<CreateResponse> replay(Poco::Data::Session& session, std::int64_t userId,
		const std::string& idempotencyKey, const std::string& requestHash);

	VmServiceParts _parts;
	std::function<void()> _jobSignal;
};

/// Returns "VM '<id>' is <status>" for 409 details.
std::string describeStatus(const VmRecord& vm);

} // namespace gpucloud::vms
