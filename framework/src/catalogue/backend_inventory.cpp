#include "catalogue/backend_inventory.h"

#include <stdexcept>

#include <Poco/Data/Session.h>
#include <Poco/Logger.h>

namespace gpucloud::catalogue
{

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

namespace
{

Poco::Logger& logger()
{
	static Poco::Logger& instance = Poco::Logger::get("gpucloud.catalogue");
	return instance;
}

} // namespace

BackendInventory::BackendInventory(plugin::BackendRegistry& backends, db::Database& database)
	: _backends(backends), _database(database), _snapshot(std::make_shared<const InventorySnapshot>())
{
}

std::shared_ptr<const InventorySnapshot> BackendInventory::snapshot() const
{
	return std::atomic_load(&_snapshot);
}

void BackendInventory::refresh()
{
	std::lock_guard<std::mutex> lock(_refreshMutex);
	std::map<std::string, bool> schedulable = readSchedulableFlags();
	std::shared_ptr<const InventorySnapshot> previous = snapshot();

	auto next = std::make_shared<InventorySnapshot>();
	for (const auto& instance : _backends.instances())
	{
		for (NodeEntry& entry : readBackend(*instance, *previous))
		{
			auto flag = schedulable.find(entry.info.name);
			entry.schedulable = flag == schedulable.end() || flag->second;
			next->nodes.push_back(std::move(entry));
		}
	}
	next->takenAt = std::chrono::system_clock::now();
	publish(std::move(next));
}

std::vector<NodeEntry> BackendInventory::readBackend(const plugin::BackendInstance& instance,
	const InventorySnapshot& previous)
{
	std::vector<sdk::NodeInfo> nodes;
	try
	{
		nodes = instance.backend->listNodes();
	}
	catch (const std::exception& error)
	{
		std::string reason = "Backend '" + instance.name + "' failed to list its nodes: " + error.what();
		if (_backendErrors[instance.name] != reason)
			logger().warning("%s; its nodes are offline until it answers again", reason);
		_backendErrors[instance.name] = reason;

		std::vector<NodeEntry> stale;
		for (const NodeEntry& entry : previous.nodes)
		{
			if (entry.backend != instance.name)
				continue;
			NodeEntry offline = entry;
			offline.info.status = sdk::NodeStatus::Offline;
			offline.info.statusReason = reason;
			stale.push_back(std::move(offline));
		}
		return stale;
	}

	if (_backendErrors.erase(instance.name) != 0)
		logger().information("Backend '%s' lists its nodes again", instance.name);

	std::vector<NodeEntry> entries;
	for (sdk::NodeInfo& node : nodes)
	{
		try
		{
			_backends.claimNode(node.name, instance.name);
		}
		catch (const std::invalid_argument& conflict)
		{
			if (_loggedConflicts.insert(node.name).second)
				logger().error("%s; the node is left out of the inventory", std::string(conflict.what()));
			continue;
		}
		entries.push_back(NodeEntry{instance.name, std::move(node), true});
	}
	return entries;
}

std::map<std::string, bool> BackendInventory::readSchedulableFlags()
{
	std::vector<std::string> nodes;
	std::vector<Poco::Int64> flags;
	Poco::Data::Session session = _database.session();
	session << "SELECT node, schedulable FROM node_settings", into(nodes), into(flags), now;

	std::map<std::string, bool> schedulable;
	for (std::size_t i = 0; i < nodes.size(); ++i)
		schedulable[nodes[i]] = flags[i] != 0;
	return schedulable;
}

bool BackendInventory::applySchedulable(const std::string& node, bool schedulable)
{
	std::lock_guard<std::mutex> lock(_refreshMutex);
	auto next = std::make_shared<InventorySnapshot>(*snapshot());
	bool found = false;
	for (NodeEntry& entry : next->nodes)
	{
		if (entry.info.name == node)
		{
			entry.schedulable = schedulable;
			found = true;
		}
	}
	if (found)
		publish(std::move(next));
	return found;
}

void BackendInventory::publish(std::shared_ptr<const InventorySnapshot> snapshot)
{
	std::atomic_store(&_snapshot, std::move(snapshot));
}

void saveNodeSchedulable(Poco::Data::Session& session, const std::string& node, bool schedulable)
{
	std::string name = node;
	Poco::Int64 flag = schedulable ? 1 : 0;
	Poco::Int64 updatedAt = db::unixNow();
	session << "INSERT INTO node_settings (node, schedulable, updated_at) VALUES ($1, $2, $3) "
			   "ON CONFLICT (node) DO UPDATE SET schedulable = excluded.schedulable, updated_at = excluded.updated_at",
		use(name), use(flag), use(updatedAt), now;
}

} // namespace gpucloud::catalogue
