#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "gpucloud/sdk/hypervisor_backend.h"
#include "plugin/plugin_host.h"

namespace gpucloud::plugin
{

/// One configured backend instance.
struct BackendInstance
{
	std::string name;
	std::string libraryPath;
	sdk::PluginInfo info;
	std::shared_ptr<sdk::HypervisorBackend> backend;
	std::unique_ptr<PluginHost> host;
};

/// The configured backend instances by name, and which instance owns which node.
class BackendRegistry
{
public:
	/// Adds an instance. Throws std::invalid_argument when the name is taken.
	void add(std::unique_ptr<BackendInstance> instance);

	/// Returns the instance or nullptr.
	BackendInstance* find(const std::string& name) const;

	const std::vector<std::unique_ptr<BackendInstance>>& instances() const { return _instances; }

	/// Records that `backendName` manages `node`. Throws std::invalid_argument when another backend already
	/// claims the node: a node belongs to exactly one backend instance.
	void claimNode(const std::string& node, const std::string& backendName);

	/// Returns the backend that manages `node`, or nullptr when no backend reported it.
	BackendInstance* backendForNode(const std::string& node) const;

	/// Destroys every backend, in reverse order of creation, then their hosts.
	void clear();

private:
	std::vector<std::unique_ptr<BackendInstance>> _instances;
	mutable std::mutex _nodesMutex;
	std::map<std::string, std::string> _nodeOwners;
};

} // namespace gpucloud::plugin
