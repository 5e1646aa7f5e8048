#include "http/keep_alive_connection.h"

#include <cerrno>
#include <memory>

#include <poll.h>

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponseImpl.h>
#include <Poco/Net/HTTPServerSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Timestamp.h>

namespace gpucloud::http
{

namespace
{

/// Poco's server session with its read buffer visible: a request that is already buffered needs no wait.
class ServerSession : public Poco::Net::HTTPServerSession
{
public:
	using Poco::Net::HTTPServerSession::HTTPServerSession;
	using Poco::Net::HTTPSession::buffered;
};

/// Waits until `socket` has data to read, is closed by the peer, or fails; false when `timeout` passes first.
bool waitReadable(ServerSession& session, Poco::Net::StreamSocket& socket, const Poco::Timespan& timeout)
{
	if (session.buffered() > 0)
		return true;
	// TLS may hold decrypted bytes that the socket no longer shows as readable.
	if (socket.secure() && socket.available() > 0)
		return true;

	pollfd descriptor{};
	descriptor.fd = socket.impl()->sockfd();
	descriptor.events = POLLIN;
	int milliseconds = static_cast<int>(timeout.totalMilliseconds());
	for (;;)
	{
		int ready = ::poll(&descriptor, 1, milliseconds);
		// Readable, hang-up and error all mean: go and read, and the read reports what happened.
		if (ready >= 0)
			return ready > 0;
		if (errno != EINTR)
			return false;
	}
}

void sendError(Poco::Net::HTTPServerSession& session, Poco::Net::HTTPResponse::HTTPStatus status)
{
	Poco::Net::HTTPServerResponseImpl response(session);
	response.setVersion(Poco::Net::HTTPMessage::HTTP_1_1);
	response.setStatusAndReason(status);
	response.setKeepAlive(false);
	response.send();
	session.setKeepAlive(false);
}

} // namespace

KeepAliveConnection::KeepAliveConnection(const Poco::Net::StreamSocket& socket, Poco::Net::HTTPServerParams::Ptr params,
	Poco::Net::HTTPRequestHandlerFactory::Ptr handlers, KeepAliveConnectionFactory& owner)
	: Poco::Net::TCPServerConnection(socket), _params(std::move(params)), _handlers(std::move(handlers)), _owner(owner)
{
	_owner.add(this);
}

KeepAliveConnection::~KeepAliveConnection()
{
	_owner.remove(this);
}

void KeepAliveConnection::run()
{
	ServerSession session(socket(), _params);
	// Like Poco: the first request may take the receive timeout to arrive, later ones the keep-alive timeout.
	Poco::Timespan wait = _params->getTimeout();
	int maxRequests = _params->getMaxKeepAliveRequests();
	for (int served = 0; !_stopped; ++served)
	{
		if (!waitReadable(session, socket(), wait))
			return;
		std::lock_guard<std::mutex> lock(_requestMutex);
		if (_stopped)
			return;
		bool mayKeepAlive = maxRequests <= 0 || served + 1 < maxRequests;
		if (!serveRequest(session, mayKeepAlive) || !session.getKeepAlive())
			return;
		wait = _params->getKeepAliveTimeout();
	}
}

bool KeepAliveConnection::serveRequest(Poco::Net::HTTPServerSession& session, bool mayKeepAlive)
{
	try
	{
		Poco::Net::HTTPServerResponseImpl response(session);
		Poco::Net::HTTPServerRequestImpl request(response, session, _params);
		response.setDate(Poco::Timestamp());
		response.setVersion(request.getVersion());
		response.setKeepAlive(_params->getKeepAlive() && request.getKeepAlive() && mayKeepAlive);
		const std::string& server = _params->getSoftwareVersion();
		if (!server.empty())
			response.set("Server", server);

		std::unique_ptr<Poco::Net::HTTPRequestHandler> handler(_handlers->createRequestHandler(request));
		if (request.getExpectContinue() && response.getStatus() == Poco::Net::HTTPResponse::HTTP_OK)
			response.sendContinue();
		handler->handleRequest(request, response);
		session.setKeepAlive(_params->getKeepAlive() && response.getKeepAlive() && mayKeepAlive);
		return true;
	}
	catch (const Poco::Net::NoMessageException&)
	{
		// The client closed the connection or sent nothing before the timeout.
		return false;
	}
	catch (const Poco::Net::MessageException&)
	{
		try
		{
			sendError(session, Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
		}
		catch (const Poco::Exception&)
		{
			// The client is gone, so the error response cannot be delivered.
		}
		return false;
	}
	catch (const Poco::Exception&)
	{
		// A network error (reset, timeout, shutdown by stop()) ends this connection only.
		return false;
	}
}

void KeepAliveConnection::stop(bool abortCurrent)
{
	_stopped = true;
	if (abortCurrent)
	{
		shutdownSocket();
		return;
	}
	// Shutting the socket down wakes an idle connection. A busy one checks _stopped after its response.
	std::unique_lock<std::mutex> lock(_requestMutex, std::try_to_lock);
	if (lock.owns_lock())
		shutdownSocket();
}

void KeepAliveConnection::shutdownSocket()
{
	try
	{
		socket().shutdown();
	}
	catch (const Poco::Exception&)
	{
		// Already closed by the peer: nothing is left to end.
	}
}

KeepAliveConnectionFactory::KeepAliveConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
	Poco::Net::HTTPRequestHandlerFactory::Ptr handlers)
	: _params(std::move(params)), _handlers(std::move(handlers))
{
}

Poco::Net::TCPServerConnection* KeepAliveConnectionFactory::createConnection(const Poco::Net::StreamSocket& socket)
{
	return new KeepAliveConnection(socket, _params, _handlers, *this);
}

void KeepAliveConnectionFactory::stopAll(bool abortCurrent)
{
	std::lock_guard<std::mutex> lock(_mutex);
	for (KeepAliveConnection* connection : _open)
		connection->stop(abortCurrent);
}

void KeepAliveConnectionFactory::add(KeepAliveConnection* connection)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_open.insert(connection);
}

void KeepAliveConnectionFactory::remove(KeepAliveConnection* connection)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_open.erase(connection);
}

} // namespace gpucloud::http
