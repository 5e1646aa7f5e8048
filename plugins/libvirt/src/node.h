#pragma once

#include <mutex>
#include <string>

#include "backend_settings.h"
#include "node_connection.h"

namespace gpucloud::plugins::libvirt
{

/// One managed hypervisor host: its settings, its connection, and the lock that makes "check that the GPUs are
/// free, then start" atomic among this backend's threads.
class Node
{
public:
	Node(const NodeSettings& settings, const BackendSettings& backend, sdk::HostServices& host);

	const NodeSettings& settings() const { return _settings; }
	const std::string& name() const { return _settings.name; }
	NodeConnection& connection() { return _connection; }
	std::mutex& gpuMutex() { return _gpuMutex; }

private:
	NodeSettings _settings;
	NodeConnection _connection;
	std::mutex _gpuMutex;
};

/// One operation on one node: the connection it uses, and the words that name the node and the object in
/// error messages ("node 'gpu01', VM '42'").
class NodeSession
{
public:
	/// Acquires the node's connection. Throws BackendError(Unavailable) while the node is offline.
	NodeSession(Node& node, std::string subject);

	virConnectPtr connection() const { return _connection.get(); }
	Node& node() const { return _node; }
	const std::string& context() const { return _context; }

	/// Throws the BackendError for the calling thread's last libvirt error from `call`, after letting the
	/// connection check whether it dropped.
	[[noreturn]] void fail(const std::string& call) const;

	/// Returns the last libvirt error of this thread and lets the connection check whether it dropped.
	LibvirtFailure failure() const;

private:
	Node& _node;
	ConnectionHandle _connection;
	std::string _context;
};

} // namespace gpucloud::plugins::libvirt
