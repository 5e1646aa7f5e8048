#include "vms/vm_routes.h"

#include <sstream>

#include <Poco/JSON/Array.h>
#include <Poco/SHA2Engine.h>

#include "http/validation.h"

namespace gpucloud::vms
{

namespace
{

constexpr std::size_t kMaxIdempotencyKeyLength = 255;
constexpr std::size_t kMaxLabelLength = 100;
constexpr std::int64_t kMaxStorageGb = 100000;
constexpr int kMinStorageGb = 50;

std::string idempotencyKey(const http::Request& request)
{
	const std::string& key = request.header("Idempotency-Key");
	bool printable = true;
	for (char c : key)
		printable = printable && c >= 0x21 && c <= 0x7e;
	if (key.size() > kMaxIdempotencyKeyLength || !printable)
		throw http::ApiError::validation({"header", "Idempotency-Key"},
			"The key must be 1 to 255 printable ASCII characters without blanks", "value_error");
	return key;
}

CreateVmRequest parseCreate(const Poco::JSON::Object::Ptr& body)
{
	http::JsonFields fields(body);
	CreateVmRequest request;
	auto node = fields.string("node", true, 64, 1);
	auto gpuType = fields.string("gpu_type", true, 64, 1);
	auto gpuCount = fields.integer("gpu_count", true, 1, 8);
	if (gpuCount && *gpuCount != 1 && *gpuCount != 2 && *gpuCount != 4 && *gpuCount != 8)
		fields.fail("gpu_count", "Input should be 1, 2, 4 or 8", "enum");
	auto storageGb = fields.integer("storage_gb", true, kMinStorageGb, kMaxStorageGb);
	auto templateVmid = fields.integer("template_vmid", true, 1, 999999999);
	auto rentalName = fields.string("rental_type", false, 32);
	std::optional<pricing::RentalType> rental = pricing::RentalType::OnDemand;
	if (rentalName)
	{
		rental = pricing::parseRentalType(*rentalName);
		if (!rental)
			fields.fail("rental_type", "Input should be 'on_demand', 'interruptible' or 'reserved'", "enum");
	}
	auto months = fields.integer("reservation_months", false, 1, 6);
	if (months && *months != 1 && *months != 3 && *months != 6)
		fields.fail("reservation_months", "Input should be 1, 3 or 6", "enum");
	if (rental == pricing::RentalType::Reserved && !fields.has("reservation_months"))
		fields.fail("reservation_months", "Field required for reserved rentals", "missing");
	if (rental && rental != pricing::RentalType::Reserved && fields.has("reservation_months"))
		fields.fail("reservation_months", "Only reserved rentals take a reservation term", "value_error");
	auto authMethod = fields.string("auth_method", false, 32);
	if (authMethod && *authMethod != "ssh_key" && *authMethod != "password")
		fields.fail("auth_method", "Input should be 'ssh_key' or 'password'", "enum");
	bool passwordAuth = authMethod && *authMethod == "password";
	auto sshKeyId = fields.string("ssh_key_id", false, 64, 1);
	auto password = fields.string("password", passwordAuth, 128, 12);
	auto label = fields.string("instance_label", false, kMaxLabelLength);
	auto autoRestart = fields.boolean("auto_restart", false);
	fields.check();

	request.node = *node;
	request.gpuType = *gpuType;
	request.gpuCount = static_cast<int>(*gpuCount);
	request.storageGb = static_cast<int>(*storageGb);
	request.templateVmid = *templateVmid;
	request.rentalType = *rental;
	request.reservationMonths = static_cast<int>(months.value_or(0));
	request.passwordAuth = passwordAuth;
	request.sshKeyId = sshKeyId;
	request.password = passwordAuth ? *password : "";
	request.instanceLabel = label.value_or("");
	request.autoRestart = autoRestart.value_or(false);
	return request;
}

http::Response accepted(VmService& service, const VmRecord& vm)
{
	return http::Response::rawJson(service.render(vm), 202);
}

} // namespace

std::string requestHash(const Poco::JSON::Object::Ptr& body)
{
	std::ostringstream canonical;
	Poco::JSON::Object sorted(*body);  // copies into a key-ordered map
	sorted.stringify(canonical);
	Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
	engine.update(canonical.str());
	return Poco::DigestEngine::digestToHex(engine.digest());
}

void registerVmRoutes(http::Router& router, std::shared_ptr<VmService> service)
{
	http::RouteOptions read{auth::Permission::Read, ratelimit::RateClass::Read};
	http::RouteOptions write{auth::Permission::Write, ratelimit::RateClass::Vm};

	router.add("POST", "/vms", [service](http::Request& request) {
		std::string key = idempotencyKey(request);
		Poco::JSON::Object::Ptr body = request.jsonBody();
		CreateVmRequest create = parseCreate(body);
		CreateResponse response = service->create(request.caller().userId, create, key,
			key.empty() ? "" : requestHash(body));
		http::Response result = http::Response::rawJson(response.body, response.status);
		if (response.replayed)
			result.withHeader("Idempotent-Replayed", "true");
		return result;
	}, write);

	router.add("GET", "/vms", [service](http::Request& request) {
		http::QueryFields query(request);
		std::vector<std::string> states = {"creating", "starting", "running", "stopping", "stopped", "interrupted",
			"destroyed", "failed", "offline"};
		auto status = query.oneOf("status", states);
		auto includeDestroyed = query.boolean("include_destroyed");
		http::Pagination page = query.pagination();
		query.check();

		VmListFilter filter;
		filter.userId = request.caller().userId;
		if (status)
			filter.status = parseVmState(*status);
		filter.includeDestroyed = includeDestroyed.value_or(false);
		filter.limit = page.limit;
		filter.offset = page.offset;
		std::int64_t total = 0;
		http::JsonWriter out;
		out.beginArray();
		for (const VmRecord& vm : service->list(filter, total))
			service->render(out, vm);
		out.endArray();
		http::Response response = http::Response::rawJson(out.take());
		http::addPaginationHeaders(response, request, page, total);
		return response;
	}, read);

	router.add("GET", "/vms/{id}", [service](http::Request& request) {
		return http::Response::rawJson(service->render(service->get(request.caller().userId, request.pathParameter("id"))));
	}, read);

	router.add("PATCH", "/vms/{id}", [service](http::Request& request) {
		http::JsonFields fields(request.jsonBody());
		auto label = fields.string("instance_label", false, kMaxLabelLength);
		auto autoRestart = fields.boolean("auto_restart", false);
		fields.check();
		VmRecord vm = service->update(request.caller().userId, request.pathParameter("id"), label, autoRestart);
		return http::Response::rawJson(service->render(vm));
	}, write);

	router.add("POST", "/vms/{id}/start", [service](http::Request& request) {
		return accepted(*service, service->start(request.caller().userId, request.pathParameter("id")));
	}, write);

	router.add("POST", "/vms/{id}/stop", [service](http::Request& request) {
		return accepted(*service, service->stop(request.caller().userId, request.pathParameter("id")));
	}, write);

	router.add("POST", "/vms/{id}/restart", [service](http::Request& request) {
		return accepted(*service, service->restart(request.caller().userId, request.pathParameter("id")));
	}, write);

	router.add("POST", "/vms/{id}/resize", [service](http::Request& request) {
		http::JsonFields fields(request.jsonBody());
		auto storageGb = fields.integer("storage_gb", true, 1, kMaxStorageGb);
		fields.check();
		VmRecord vm = service->resize(request.caller().userId, request.pathParameter("id"),
			static_cast<int>(*storageGb));
		return accepted(*service, vm);
	}, write);

	router.add("DELETE", "/vms/{id}", [service](http::Request& request) {
		return accepted(*service, service->destroy(request.caller().userId, request.pathParameter("id")));
	}, write);

	router.add("GET", "/portal/authorize", [service](http::Request& request) {
		http::QueryFields query(request);
		auto vmId = query.string("vm_id", 64);
		auto serviceName = query.oneOf("service", {"ssh", "webui", "jupyter"});
		if (!request.queryParameter("vm_id"))
			query.fail("vm_id", "Field required", "missing");
		if (!request.queryParameter("service"))
			query.fail("service", "Field required", "missing");
		query.check();
		service->authorizePortal(request.caller().userId, *vmId, *serviceName);
		return http::Response::noContent();
	}, read);
}

} // namespace gpucloud::vms
