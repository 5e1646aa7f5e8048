#pragma once

#include <atomic>
#include <mutex>
#include <set>
#include <string>

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/TCPServerConnection.h>
#include <Poco/Net/TCPServerConnectionFactory.h>

namespace gpucloud::http
{

class KeepAliveConnectionFactory;

/// One HTTP/1.1 connection, served on one pool thread until the client closes it, the keep-alive timeout passes or
/// the server stops. It does what Poco::Net::HTTPServerConnection does, except for the wait between requests, which
/// is one poll(2) call here. Poco 1.11's Socket::poll creates, registers and closes an epoll instance on each call.
/// perf put that at about a fifth of the server's CPU time for GET /pricing on loopback (see docs/benchmarks.md).
class KeepAliveConnection : public Poco::Net::TCPServerConnection
{
public:
	KeepAliveConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
		Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, KeepAliveConnectionFactory& owner);
	~KeepAliveConnection() override;

	void run() override;

	/// Ends the connection from another thread. With `abortCurrent`, the socket is shut down at once. Without it, an
	/// idle connection is shut down, and a busy one ends after the response it is writing. Thread-safe.
	void stop(bool abortCurrent);

private:
	/// Serves one request. Returns false when the connection must close.
	bool serveRequest(Poco::Net::HTTPServerSession& session, bool mayKeepAlive);
	void shutdownSocket();

	Poco::Net::HTTPServerParams::Ptr _params;
	Poco::Net::HTTPRequestHandlerFactory::Ptr _handlers;
	KeepAliveConnectionFactory& _owner;
	std::atomic<bool> _stopped{false};
	std::mutex _requestMutex;  ///< held while a request is served, so a graceful stop waits for its response
};

/// Creates a KeepAliveConnection per accepted socket and keeps track of the open ones, so the server can end them.
class KeepAliveConnectionFactory : public Poco::Net::TCPServerConnectionFactory
{
public:
	KeepAliveConnectionFactory(Poco::Net::HTTPServerParams::Ptr params, Poco::Net::HTTPRequestHandlerFactory::Ptr handlers);

	Poco::Net::TCPServerConnection* createConnection(const Poco::Net::StreamSocket& socket) override;

	/// Calls stop(abortCurrent) on every open connection. Thread-safe.
	void stopAll(bool abortCurrent);

private:
	friend class KeepAliveConnection;
	void add(KeepAliveConnection* connection);
	void remove(KeepAliveConnection* connection);

	Poco::Net::HTTPServerParams::Ptr _params;
	Poco::Net::HTTPRequestHandlerFactory::Ptr _handlers;
	std::mutex _mutex;
	std::set<KeepAliveConnection*> _open;
};

} // namespace gpucloud::http
