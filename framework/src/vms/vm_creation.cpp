#include <algorithm>
#include <sstream>

#include <Poco/Data/DataException.h>
#include <Poco/JSON/Array.h>
#include <Poco/Data/Statement.h>
#include <Poco/Logger.h>

#include "http/api_error.h"
#include "util/random.h"
#include "vms/gpu_allocator.h"
#include "vms/idempotency_store.h"
#include "vms/job_queue.h"
#include "vms/vm_service.h"
#include "vms/vm_view.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::vms
{

namespace
{

Poco::Logger& logger()
{
	static Poco::Logger& instance = Poco::Logger::get("gpucloud.vms");
	return instance;
}

http::ApiError invalid(const std::string& field, const std::string& message)
{
	return http::ApiError::validation({"body", field}, message, "value_error");
}

std::string stringify(const Poco::JSON::Object& object)
{
	std::ostringstream text;
	object.stringify(text);
	return text.str();
}

std::int64_t maxVms(Poco::Data::Session& session, std::int64_t userId)
{
	Poco::Int64 user = userId;
	Poco::Int64 limit = 0;
	Poco::Data::Statement select(session);
	select << "SELECT max_vms FROM users WHERE id = $1", use(user), into(limit), Poco::Data::Keywords::limit(1);
	if (select.execute() == 0)
		throw http::unauthorized("The user of this credential no longer exists");
	return limit;
}

} // namespace

void VmService::validate(std::int64_t userId, const CreateVmRequest& request, const catalogue::NodeEntry*& node,
	std::vector<std::string>& sshKeys, util::Micros& gpuRate, util::Micros& storageRate)
{
	// Cheapest first: configuration in memory, then the inventory snapshot, then prices, then the database.
	const catalogue::TemplateInfo* info = _parts.templates->find(request.templateVmid);
	if (!info)
		throw invalid("template_vmid", "Template " + std::to_string(request.templateVmid) + " does not exist");
	if (request.storageGb < static_cast<int>(info->minStorageGb))
		throw invalid("storage_gb", "Template " + std::to_string(info->vmid) + " needs at least "
			+ std::to_string(info->minStorageGb) + " GB of storage");

	std::shared_ptr<const catalogue::InventorySnapshot> snapshot = _parts.inventory->snapshot();
	node = snapshot ? snapshot->find(request.node) : nullptr;
	if (!node)
		throw invalid("node", "Node '" + request.node + "' does not exist");
	const std::vector<std::int64_t>& templates = node->info.templateVmids;
	if (std::find(templates.begin(), templates.end(), request.templateVmid) == templates.end())
		throw invalid("template_vmid", "Template " + std::to_string(request.templateVmid)
			+ " is not available on node '" + request.node + "'");
	int ofType = static_cast<int>(std::count_if(node->info.gpus.begin(), node->info.gpus.end(),
		[&](const sdk::GpuDevice& gpu) { return gpu.type == request.gpuType; }));
	if (ofType == 0)
		throw invalid("gpu_type", "Node '" + request.node + "' has no GPUs of type '" + request.gpuType + "'");

	std::shared_ptr<const pricing::PriceList> prices = _parts.pricing->prices();
	std::optional<util::Micros> rate = prices->gpuRate(request.gpuType, request.rentalType, request.reservationMonths);
	if (!rate && request.rentalType == pricing::RentalType::Reserved && prices->gpuRate(request.gpuType,
		pricing::RentalType::OnDemand))
		throw invalid("reservation_months", "There is no reservation term of "
			+ std::to_string(request.reservationMonths) + " months");
	if (!rate)
		throw invalid("gpu_type", std::string("GPU type '") + request.gpuType + "' has no "
			+ pricing::rentalTypeName(request.rentalType) + " price");
	gpuRate = *rate;
	storageRate = prices->storagePerGbHour * request.storageGb;

	if (node->info.status != sdk::NodeStatus::Online)
		throw http::conflict("Node '" + request.node + "' is offline: " + node->info.statusReason);
	if (!node->schedulable)
		throw http::conflict("Node '" + request.node + "' does not accept new VMs: an operator is draining it");
	if (!_parts.backends->find(node->backend))
		throw http::serviceUnavailable("The backend of node '" + request.node + "' is not available");
	if (request.gpuCount > ofType)
		throw http::conflict("Not enough GPUs: node '" + request.node + "' has " + std::to_string(ofType)
			+ " GPUs of type '" + request.gpuType + "' in all, " + std::to_string(request.gpuCount) + " requested");
	if (node->info.storageFreeGb < static_cast<std::uint64_t>(request.storageGb))
		throw http::conflict("Not enough storage: node '" + request.node + "' has "
			+ std::to_string(node->info.storageFreeGb) + " GB free, " + std::to_string(request.storageGb)
			+ " GB requested");

	if (request.passwordAuth)
		return;
	std::optional<sshkeys::SshKeyRecord> key = request.sshKeyId ? _parts.sshKeys->find(userId, *request.sshKeyId)
																: _parts.sshKeys->oldest(userId);
	if (!key && request.sshKeyId)
		throw invalid("ssh_key_id", "SSH key '" + *request.sshKeyId + "' not found");
	if (!key)
		throw http::badRequest("No SSH key on file: add one with POST /ssh-keys, or use auth_method 'password'");
	sshKeys.push_back(key->publicKey);
}

std::optional<CreateResponse> VmService::replay(Poco::Data::Session& session, std::int64_t userId,
	const std::string& idempotencyKey, const std::string& requestHash)
{
	std::optional<StoredResponse> stored = idempotency_store::find(session, userId, idempotencyKey);
	if (!stored)
		return std::nullopt;
	if (stored->createdAt < db::unixNow() - _parts.settings.idempotencyTtl.count())
	{
		idempotency_store::remove(session, userId, idempotencyKey);
		return std::nullopt;
	}
	if (stored->requestHash != requestHash)
		throw http::conflict("Idempotency-Key '" + idempotencyKey + "' was already used with a different request body");
	return CreateResponse{stored->status, stored->body, true};
}

CreateResponse VmService::create(std::int64_t userId, const CreateVmRequest& request,
	const std::string& idempotencyKey, const std::string& requestHash)
{
	if (!idempotencyKey.empty())
	{
		Poco::Data::Session session = _parts.database->session();
		if (std::optional<CreateResponse> stored = replay(session, userId, idempotencyKey, requestHash))
			return *stored;
	}

	const catalogue::NodeEntry* node = nullptr;
	std::vector<std::string> sshKeys;
	util::Micros gpuRate = 0;
	util::Micros storageRate = 0;
	validate(userId, request, node, sshKeys, gpuRate, storageRate);
	catalogue::NodeEntry nodeCopy = *node;  // the snapshot may be replaced while the transaction runs

	for (int attempt = 1;; ++attempt)
	{
		try
		{
			CreateResponse response = _parts.database->transaction([&](Poco::Data::Session& session) {
				return insertVm(session, userId, request, nodeCopy, sshKeys, gpuRate, storageRate, idempotencyKey,
					requestHash);
			});
			afterCommit(true);
			return response;
		}
		catch (const Poco::Data::DataException& error)
		{
			// Another server took one of the chosen GPUs between our read and our insert (PostgreSQL), or stored
			// the same Idempotency-Key first. Both show on the next attempt, which reads the fresh state.
			logger().warning("Creating a VM for user %Ld on node '%s' conflicted (attempt %d of %d): %s",
				static_cast<Poco::Int64>(userId), request.node, attempt, _parts.settings.allocationAttempts,
				error.displayText());
			if (attempt >= _parts.settings.allocationAttempts)
				throw http::conflict("The GPUs of node '" + request.node
					+ "' changed while the VM was being created; try again");
		}
	}
}

CreateResponse VmService::insertVm(Poco::Data::Session& session, std::int64_t userId, const CreateVmRequest& request,
	const catalogue::NodeEntry& node, const std::vector<std::string>& sshKeys, util::Micros gpuRate,
	util::Micros storageRate, const std::string& idempotencyKey, const std::string& requestHash)
{
	if (!idempotencyKey.empty())
	{
		if (std::optional<CreateResponse> stored = replay(session, userId, idempotencyKey, requestHash))
			return *stored;
	}

	std::int64_t limit = maxVms(session, userId);
	if (repository::countActive(session, userId) >= limit)
		throw http::forbidden("VM limit reached: the account may have at most " + std::to_string(limit)
			+ " VMs that are not destroyed or failed");

	std::int64_t when = db::unixNow();
	catalogue::GpuShare share = catalogue::perGpuShare(node.info);
	VmRecord vm;
	vm.id = util::uuid4();
	vm.userId = userId;
	vm.backend = node.backend;
	vm.node = node.info.name;
	vm.instanceLabel = request.instanceLabel;
	vm.templateVmid = request.templateVmid;
	vm.gpuType = request.gpuType;
	vm.gpuCount = request.gpuCount;
	vm.storageGb = request.storageGb;
	vm.cpuCores = static_cast<int>(share.cpuCoresPerGpu) * request.gpuCount;
	vm.ramGb = static_cast<int>(share.ramGbPerGpu) * request.gpuCount;
	vm.rentalType = pricing::rentalTypeName(request.rentalType);
	vm.autoRestart = request.autoRestart;
	vm.status = VmState::Creating;
	vm.gpuHourlyRate = gpuRate;
	vm.storageHourlyRate = storageRate;
	vm.createdAt = when;
	vm.updatedAt = when;
	repository::insert(session, vm);

	std::string reservationId;
	if (_parts.billing)
	{
		billing::NewVmCharge charge;
		charge.userId = userId;
		charge.vmId = vm.id;
		charge.gpuType = vm.gpuType;
		charge.gpuCount = vm.gpuCount;
		charge.storageGb = vm.storageGb;
		charge.rentalType = request.rentalType;
		charge.reservationMonths = request.reservationMonths;
		charge.gpuHourlyRate = gpuRate;
		charge.storageHourlyRate = storageRate;
		reservationId = _parts.billing->admitNewVm(session, charge);
	}

	bool mayPreempt = request.rentalType != pricing::RentalType::Interruptible;
	GpuPlan plan = gpu_allocator::plan(session, node.info, request.gpuType, request.gpuCount, mayPreempt);
	Poco::JSON::Array::Ptr waitFor = new Poco::JSON::Array;
	for (const Preemption& preemption : plan.preemptions)
	{
		std::string reason = "Preempted by an on-demand or reserved VM on node '" + vm.node + "'";
		repository::transition(session, preemption.vmId, {VmState::Running}, VmState::Interrupted, reason, when);
		repository::release(session, preemption.vmId);
		Poco::JSON::Object stopPayload;
		stopPayload.set("reason", reason);
		waitFor->add(enqueue(session, preemption.vmId, JobKind::Stop, stringify(stopPayload), when));
		logger().information("VM '%s' on node '%s' preempted by new VM '%s'", preemption.vmId, vm.node, vm.id);
	}
	vm.gpuAddresses = plan.addresses;
	if (!reservationId.empty())
		vm.reservationId = reservationId;
	repository::setPlacement(session, vm.id, vm.gpuAddresses, reservationId);
	repository::allocate(session, vm.node, vm.gpuAddresses, vm.gpuType, vm.id, when);

	Poco::JSON::Object payload;
	Poco::JSON::Array::Ptr keys = new Poco::JSON::Array;
	for (const std::string& key : sshKeys)
		keys->add(key);
	payload.set("ssh_public_keys", keys);
	if (request.passwordAuth)
		payload.set("sealed_password", _parts.credentials->seal(request.password, vm.id));
	payload.set("wait_for", waitFor);
	enqueue(session, vm.id, JobKind::Create, stringify(payload), when);

	VmViewInputs inputs;
	inputs.node = &node;
	inputs.templateInfo = _parts.templates->find(vm.templateVmid);
	inputs.onlineResize = onlineResize(vm);
	inputs.busy = true;
	http::JsonWriter body;
	renderVm(body, vm, inputs, _parts.settings);
	CreateResponse response{201, body.take(), false};
	if (!idempotencyKey.empty())
		idempotency_store::save(session, userId, idempotencyKey, {requestHash, response.status, response.body, when});

	logger().information("VM '%s' of user %Ld created on node '%s' with %d GPU(s) of type '%s' (%s)", vm.id,
		static_cast<Poco::Int64>(userId), vm.node, vm.gpuCount, vm.gpuType, vm.rentalType);
	return response;
}

} // namespace gpucloud::vms
