#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "catalogue/inventory.h"
#include "db/database.h"
#include "plugin/backend_registry.h"

namespace gpucloud::catalogue
{

/// The inventory of every configured backend, merged with the operators' node settings (`node_settings`).
///
/// refresh() calls listNodes() on each backend in turn, records which backend owns each node in the registry, and
/// publishes a new immutable snapshot with an atomic store. snapshot() is an atomic load, so readers never wait
/// for a refresh. A backend whose listNodes() fails keeps the nodes it reported before, marked offline with the
/// reason. A node that a second backend also reports is left out of the snapshot and logged.
class BackendInventory : public Inventory
{
public:
	BackendInventory(plugin::BackendRegistry& backends, db::Database& database);

	std::shared_ptr<const InventorySnapshot> snapshot() const override;

	/// Thread-safe; concurrent refreshes run one after the other. Throws when node_settings cannot be read, and then
	/// keeps the previous snapshot.
	void refresh() override;

	/// Publishes a snapshot in which `node` has the given schedulable flag. The caller has already written the flag
	/// to node_settings; this makes it visible without waiting for the next refresh. Returns false when the
	/// snapshot has no such node.
	bool applySchedulable(const std::string& node, bool schedulable);

private:
	std::vector<NodeEntry> readBackend(const plugin::BackendInstance& instance, const InventorySnapshot& previous);
	std::map<std::string, bool> readSchedulableFlags();
	void publish(std::shared_ptr<const InventorySnapshot> snapshot);

	plugin::BackendRegistry& _backends;
	db::Database& _database;

	std::mutex _refreshMutex;  // serialises writers of the snapshot; readers never take it
	std::map<std::string, std::string> _backendErrors;  // last listNodes() failure per backend, to log changes once
	std::set<std::string> _loggedConflicts;             // nodes reported by two backends, logged once

	std::shared_ptr<const InventorySnapshot> _snapshot;  // accessed only through std::atomic_load/atomic_store
};

/// Writes the schedulable flag of `node` into node_settings (insert or update) inside the caller's transaction.
void saveNodeSchedulable(Poco::Data::Session& session, const std::string& node, bool schedulable);

} // namespace gpucloud::catalogue
