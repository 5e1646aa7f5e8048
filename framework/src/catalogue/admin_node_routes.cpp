#include "catalogue/admin_node_routes.h"

#include <map>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include "http/validation.h"

namespace gpucloud::catalogue
{

using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

namespace
{

const http::RouteOptions kAdmin{auth::Permission::Admin, ratelimit::RateClass::Default};

Poco::Logger& logger()
{
	static Poco::Logger& instance = Poco::Logger::get("gpucloud.catalogue");
	return instance;
}

void recordAudit(Poco::Data::Session& session, const http::Request& request, const std::string& action,
	const std::string& target, const std::string& detail)
{
	Poco::Int64 createdAt = db::unixNow();
	Poco::Int64 actor = request.caller().userId;
	std::string actionName = action;
	std::string targetName = target;
	std::string source = request.clientAddress;
	std::string outcome = "success";
	std::string detailText = detail;
	session << "INSERT INTO audit_log (created_at, actor_user_id, action, target, source_address, outcome, detail) "
			   "VALUES ($1, $2, $3, $4, $5, $6, $7)",
		use(createdAt), use(actor), use(actionName), use(targetName), use(source), use(outcome), use(detailText), now;
}

Poco::JSON::Array::Ptr gpusJson(const sdk::NodeInfo& node)
{
	Poco::JSON::Array::Ptr gpus = new Poco::JSON::Array;
	for (const sdk::GpuDevice& gpu : node.gpus)
	{
		Poco::JSON::Object::Ptr json = http::orderedObject();
		json->set("type", gpu.type);
		json->set("model", gpu.model);
		json->set("vram_mb", static_cast<Poco::UInt64>(gpu.vramMb));
		json->set("address", gpu.address);
		json->set("assigned_vm_id", gpu.assignedVmId.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(gpu.assignedVmId));
		gpus->add(json);
	}
	return gpus;
}

/// One entry per GPU type: total, allocated in the database, assigned by the backend, and free.
Poco::JSON::Array::Ptr gpuInventoryJson(const sdk::NodeInfo& node, const AllocationCounts& allocations)
{
	std::map<std::string, std::pair<std::uint32_t, std::uint32_t>> byType;  // type -> total, assigned by backend
	for (const sdk::GpuDevice& gpu : node.gpus)
	{
		auto& counts = byType[gpu.type];
		++counts.first;
		if (!gpu.assignedVmId.empty())
			++counts.second;
	}

	auto nodeAllocations = allocations.find(node.name);
	Poco::JSON::Array::Ptr inventory = new Poco::JSON::Array;
	for (const auto& [gpuType, counts] : byType)
	{
		std::uint32_t allocated = 0;
		if (nodeAllocations != allocations.end())
		{
			auto found = nodeAllocations->second.find(gpuType);
			allocated = found == nodeAllocations->second.end() ? 0 : found->second;
		}
		std::uint32_t taken = std::max(allocated, counts.second);

		Poco::JSON::Object::Ptr json = http::orderedObject();
		json->set("gpu_type", gpuType);
		json->set("total", counts.first);
		json->set("allocated", allocated);
		json->set("assigned_on_backend", counts.second);
		json->set("free", taken < counts.first ? counts.first - taken : 0);
		inventory->add(json);
	}
	return inventory;
}

Poco::JSON::Object::Ptr nodeJson(const NodeEntry& entry, const AllocationCounts& allocations)
{
	const sdk::NodeInfo& node = entry.info;
	bool online = node.status == sdk::NodeStatus::Online;
	Poco::JSON::Array::Ptr templates = new Poco::JSON::Array;
	for (std::int64_t vmid : node.templateVmids)
		templates->add(static_cast<Poco::Int64>(vmid));

	Poco::JSON::Object::Ptr json = http::orderedObject();
	json->set("node", node.name);
	json->set("backend", entry.backend);
	json->set("status", online ? "online" : "offline");
	json->set("status_reason", node.statusReason.empty() ? Poco::Dynamic::Var() : Poco::Dynamic::Var(node.statusReason));
	json->set("schedulable", entry.schedulable);
	json->set("location", node.location);
	json->set("cpu_model", node.cpuModel);
	json->set("cpu_cores", node.cpuCores);
	json->set("ram_mb", static_cast<Poco::UInt64>(node.ramMb));
	json->set("storage_total_gb", static_cast<Poco::UInt64>(node.storageTotalGb));
	json->set("storage_free_gb", static_cast<Poco::UInt64>(node.storageFreeGb));
	json->set("pcie_gen", node.pcieGen);
	json->set("gpu_inventory", gpuInventoryJson(node, allocations));
	json->set("gpus", gpusJson(node));
	json->set("template_vmids", templates);
	return json;
}

http::Response listNodes(http::Request& request, const NodeAdminServices& services)
{
	http::QueryFields fields(request);
	http::Pagination page = fields.pagination();
	fields.check();

	std::shared_ptr<const InventorySnapshot> snapshot = services.inventory->snapshot();
	std::shared_ptr<const AllocationCounts> allocations = services.allocations->counts();
	auto total = static_cast<std::int64_t>(snapshot->nodes.size());
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	for (std::int64_t i = page.offset; i < total && i < page.offset + page.limit; ++i)
		list->add(nodeJson(snapshot->nodes[static_cast<std::size_t>(i)], *allocations));

	http::Response response = http::Response::json(list);
	http::addPaginationHeaders(response, request, page, total);
	return response;
}

http::Response updateNode(http::Request& request, const NodeAdminServices& services)
{
	const std::string& node = request.pathParameter("node");
	http::JsonFields fields(request.jsonBody());
	std::optional<bool> schedulable = fields.boolean("schedulable", true);
	fields.check();

	if (!services.inventory->snapshot()->find(node))
		throw http::notFound("Node '" + node + "' not found");

	services.database->transaction([&](Poco::Data::Session& session) {
		saveNodeSchedulable(session, node, *schedulable);
		recordAudit(session, request, "node.update", "node:" + node, *schedulable ? "schedulable=true" : "schedulable=false");
	});
	services.inventory->applySchedulable(node, *schedulable);
	logger().information("request_id=%s user=%?d node=%s schedulable=%b", request.requestId,
		static_cast<Poco::Int64>(request.caller().userId), node, *schedulable);

	std::shared_ptr<const InventorySnapshot> snapshot = services.inventory->snapshot();
	const NodeEntry* entry = snapshot->find(node);
	if (!entry)
		throw http::notFound("Node '" + node + "' not found");
	return http::Response::json(nodeJson(*entry, *services.allocations->counts()));
}

http::Response refreshInventory(http::Request& request, const NodeAdminServices& services)
{
	services.inventory->refresh();
	std::shared_ptr<const InventorySnapshot> snapshot = services.inventory->snapshot();

	std::int64_t offline = 0;
	for (const NodeEntry& entry : snapshot->nodes)
		offline += entry.info.status == sdk::NodeStatus::Online ? 0 : 1;
	auto takenAt = std::chrono::duration_cast<std::chrono::seconds>(snapshot->takenAt.time_since_epoch()).count();

	services.database->transaction([&](Poco::Data::Session& session) {
		recordAudit(session, request, "inventory.refresh", "inventory", "nodes=" + std::to_string(snapshot->nodes.size()));
	});

	Poco::JSON::Object::Ptr json = http::orderedObject();
	json->set("nodes", static_cast<Poco::Int64>(snapshot->nodes.size()));
	json->set("offline_nodes", static_cast<Poco::Int64>(offline));
	json->set("refreshed_at", db::isoTime(takenAt));
	return http::Response::json(json);
}

} // namespace

void registerAdminNodeRoutes(http::Router& router, const NodeAdminServices& services)
{
	router.add("GET", "/admin/nodes", [services](http::Request& request) { return listNodes(request, services); }, kAdmin);
	router.add("PATCH", "/admin/nodes/{node}", [services](http::Request& request) {
		return updateNode(request, services);
	}, kAdmin);
	router.add("POST", "/admin/inventory/refresh", [services](http::Request& request) {
		return refreshInventory(request, services);
	}, kAdmin);
}

} // namespace gpucloud::catalogue
