#include "plugin/backend_registry.h"

#include <stdexcept>

namespace gpucloud::plugin
{

void BackendRegistry::add(std::unique_ptr<BackendInstance> instance)
{
	if (find(instance->name))
		throw std::invalid_argument("Backend name '" + instance->name + "' is configured twice");
	_instances.push_back(std::move(instance));
}

BackendInstance* BackendRegistry::find(const std::string& name) const
{
	for (const auto& instance : _instances)
	{
		if (instance->name == name)
			return instance.get();
	}
	return nullptr;
}

void BackendRegistry::claimNode(const std::string& node, const std::string& backendName)
{
	std::lock_guard<std::mutex> lock(_nodesMutex);
	auto [it, inserted] = _nodeOwners.emplace(node, backendName);
	if (!inserted && it->second != backendName)
	{
		throw std::invalid_argument("Node '" + node + "' is reported by backend '" + backendName
			+ "' but already belongs to backend '" + it->second + "'; node names must be unique across backends");
	}
}

BackendInstance* BackendRegistry::backendForNode(const std::string& node) const
{
	std::string owner;
	{
		std::lock_guard<std::mutex> lock(_nodesMutex);
		auto it = _nodeOwners.find(node);
		if (it == _nodeOwners.end())
			return nullptr;
		owner = it->second;
	}
	return find(owner);
}

void BackendRegistry::clear()
{
	while (!_instances.empty())
	{
		_instances.back()->backend.reset();
		_instances.pop_back();
	}
	std::lock_guard<std::mutex> lock(_nodesMutex);
	_nodeOwners.clear();
}

} // namespace gpucloud::plugin
