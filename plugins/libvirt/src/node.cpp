#include "node.h"

namespace gpucloud::plugins::libvirt
{

Node::Node(const NodeSettings& settings, const BackendSettings& backend, sdk::HostServices& host)
	: _settings(settings)
	, _connection(settings.name, settings.uri, ReconnectBackoff(backend.reconnectInitial, backend.reconnectMax), host)
{
}

NodeSession::NodeSession(Node& node, std::string subject)
	: _node(node)
	, _connection(node.connection().acquire())
	, _context("node '" + node.name() + "'" + (subject.empty() ? "" : ", " + subject))
{
}

LibvirtFailure NodeSession::failure() const
{
	LibvirtFailure failure = lastFailure();
	_node.connection().reportFailure(_connection, failure);
	return failure;
}

void NodeSession::fail(const std::string& call) const
{
	throw toBackendError(failure(), call, _context);
}

} // namespace gpucloud::plugins::libvirt
