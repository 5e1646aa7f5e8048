#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "gpucloud/sdk/host_services.h"
#include "libvirt_error.h"
#include "libvirt_handles.h"
#include "reconnect_backoff.h"

namespace gpucloud::plugins::libvirt
{

/// The one libvirt connection of a node, kept open for the life of the backend. libvirt connections are
/// thread-safe, so every thread shares it. Keeping it open also matters for the `test:///` driver, which
/// discards its in-memory state when the last connection closes.
///
/// When the connection cannot be opened or drops, the node is offline: calls fail fast with Unavailable until the
/// backoff allows the next attempt, and the node_offline and node_online events are published on each change.
class NodeConnection
{
public:
	NodeConnection(std::string nodeName, std::string uri, ReconnectBackoff backoff, sdk::HostServices& host);

	NodeConnection(const NodeConnection&) = delete;
	NodeConnection& operator=(const NodeConnection&) = delete;

	/// Returns the open connection, reconnecting first when it is closed and the backoff allows an attempt.
	/// Throws BackendError(Unavailable) naming the node and the reason while the node is offline.
	ConnectionHandle acquire();

	/// Tells the connection that a call on `connection` failed with `failure`. When the failure means the
	/// connection is gone and libvirt confirms it, the connection is dropped and the next acquire() reconnects.
	void reportFailure(const ConnectionHandle& connection, const LibvirtFailure& failure);

	/// Returns an empty string when the node is online, otherwise why it is not. Tries to connect when allowed.
	std::string checkOnline();

	const std::string& nodeName() const { return _nodeName; }

private:
	ConnectionHandle open();
	void markOffline(const std::string& reason);

	std::string _nodeName;
	std::string _uri;
	sdk::HostServices& _host;

	std::mutex _mutex;
	ReconnectBackoff _backoff;
	ConnectionHandle _connection;
	std::string _offlineReason;  ///< empty while online or before the first attempt
	bool _everOnline = false;
};

} // namespace gpucloud::plugins::libvirt
