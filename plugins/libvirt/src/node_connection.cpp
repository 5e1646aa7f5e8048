#include "node_connection.h"

#include <libvirt/virterror.h>

namespace gpucloud::plugins::libvirt
{

namespace
{

/// Receives the errors libvirt raises on one connection and writes them to the host's log at debug level; the
/// plugin reports the same failures to the server as BackendError.
struct ErrorSink
{
	sdk::HostServices* host;
	std::string nodeName;
};

void logConnectionError(void* userData, virErrorPtr error)
{
	auto* sink = static_cast<ErrorSink*>(userData);
	if (error == nullptr || error->message == nullptr)
		return;
	sink->host->log(sdk::LogLevel::Debug, "libvirt error on node '" + sink->nodeName + "' (code "
		+ std::to_string(error->code) + "): " + error->message);
}

} // namespace

NodeConnection::NodeConnection(std::string nodeName, std::string uri, ReconnectBackoff backoff,
	sdk::HostServices& host)
	: _nodeName(std::move(nodeName)), _uri(std::move(uri)), _host(host), _backoff(backoff)
{
}

ConnectionHandle NodeConnection::open()
{
	virConnectPtr raw = virConnectOpen(_uri.c_str());
	if (raw == nullptr)
		return nullptr;

	auto sink = std::make_shared<ErrorSink>(ErrorSink{&_host, _nodeName});
	virConnSetErrorFunc(raw, sink.get(), logConnectionError);
	// The sink lives as long as the connection: the deleter owns it.
	return ConnectionHandle(raw, [sink](virConnectPtr connection) { virConnectClose(connection); });
}

void NodeConnection::markOffline(const std::string& reason)
{
	bool wasOnline = _offlineReason.empty();
	_offlineReason = reason;
	_backoff.recordFailure(_host.now());
	if (!wasOnline)
		return;

	_host.log(sdk::LogLevel::Warning, "Node '" + _nodeName + "' is offline: " + reason + "; next connection attempt in "
		+ std::to_string(_backoff.remaining(_host.now()).count()) + " ms");
	_host.publish(sdk::BackendEvent{"node_offline", _nodeName, "", reason});
}

ConnectionHandle NodeConnection::acquire()
{
	std::lock_guard<std::mutex> lock(_mutex);
	if (_connection && virConnectIsAlive(_connection.get()) == 1)
		return _connection;
	std::string lost;
	if (_connection)
	{
		// A dropped connection is reopened at once; the backoff only spaces out attempts that keep failing.
		_connection.reset();
		lost = "the connection to " + _uri + " was lost; ";
		_host.log(sdk::LogLevel::Warning, "Node '" + _nodeName + "': " + lost + "reconnecting");
	}

	auto now = _host.now();
	if (!_offlineReason.empty() && !_backoff.mayAttempt(now))
	{
		auto wait = _backoff.remaining(now);
		throw sdk::BackendError(sdk::ErrorKind::Unavailable, "Node '" + _nodeName + "' is offline: " + _offlineReason
				+ "; next connection attempt in " + std::to_string(wait.count()) + " ms", wait);
	}

	_connection = open();
	if (!_connection)
	{
		markOffline(lost + "virConnectOpen(" + _uri + ") failed: " + lastFailure().message);
		throw sdk::BackendError(sdk::ErrorKind::Unavailable, "Node '" + _nodeName + "' is offline: " + _offlineReason,
			_backoff.remaining(_host.now()));
	}

	_backoff.recordSuccess();
	if (!_offlineReason.empty() || !_everOnline)
	{
		_host.log(sdk::LogLevel::Information, "Node '" + _nodeName + "' is online (" + _uri + ")");
		if (!_offlineReason.empty())
			_host.publish(sdk::BackendEvent{"node_online", _nodeName, "", ""});
	}
	_offlineReason.clear();
	_everOnline = true;
	return _connection;
}

void NodeConnection::reportFailure(const ConnectionHandle& connection, const LibvirtFailure& failure)
{
	if (!isConnectionLost(failure) || !connection || virConnectIsAlive(connection.get()) == 1)
		return;

	std::lock_guard<std::mutex> lock(_mutex);
	if (_connection == connection)
	{
		_connection.reset();
		_host.log(sdk::LogLevel::Warning, "Node '" + _nodeName + "': the connection to " + _uri + " was lost ("
			+ failure.message + "); the next call reconnects");
	}
}

std::string NodeConnection::checkOnline()
{
	try
	{
		acquire();
		return "";
	}
	catch (const sdk::BackendError& error)
	{
		return error.what();
	}
}

} // namespace gpucloud::plugins::libvirt
