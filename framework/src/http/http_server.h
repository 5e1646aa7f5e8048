#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include <Poco/Net/TCPServer.h>
#include <Poco/ThreadPool.h>

#include "http/dispatcher.h"

namespace gpucloud::http
{

class KeepAliveConnectionFactory;

/// Settings of the HTTP listener.
struct HttpServerSettings
{
	std::string host = "127.0.0.1";
	std::uint16_t port = 8080;           ///< 0 picks a free port; port() returns it after start()
	std::size_t maxBodyBytes = 1 << 20;  ///< larger request bodies get 413
	int minThreads = 4;
	int maxThreads = 256;   ///< each keep-alive connection holds one thread while it is open
	int maxQueued = 1024;   ///< connections waiting for a thread; beyond it new connections are refused
	int keepAliveTimeoutSeconds = 15;
	int maxKeepAliveRequests = 0;  ///< 0: unlimited
	std::string tlsCertificateFile;  ///< PEM certificate (chain); with tlsPrivateKeyFile, the server speaks HTTPS
	std::string tlsPrivateKeyFile;   ///< PEM private key

	bool tlsEnabled() const { return !tlsCertificateFile.empty(); }
};

/// The HTTP server in front of a Dispatcher, built from Poco's TCPServer and HTTP message classes: reads the request
/// with the body limit, assigns X-Request-Id, writes the response and one access-log line per request on
/// `gpucloud.access`. Each open connection occupies one pool thread (KeepAliveConnection).
class HttpServer
{
public:
	HttpServer(const HttpServerSettings& settings, std::shared_ptr<Dispatcher> dispatcher);
	~HttpServer();

	HttpServer(const HttpServer&) = delete;
	HttpServer& operator=(const HttpServer&) = delete;

	void start();

	/// Stops accepting connections and waits until in-flight requests are finished, at most `timeoutMs`;
	/// connections still open afterwards are closed.
	void stop(long timeoutMs);

	/// The bound port; with port 0 in the settings, the port the system chose.
	std::uint16_t port() const;

private:
	HttpServerSettings _settings;
	std::shared_ptr<Dispatcher> _dispatcher;
	std::unique_ptr<Poco::ThreadPool> _threads;
	Poco::SharedPtr<KeepAliveConnectionFactory> _connections;
	std::unique_ptr<Poco::Net::TCPServer> _server;
	std::uint16_t _port = 0;
};

/// Returns `candidate` when it is a sane request id (1 to 128 characters of [A-Za-z0-9._:-]), else a new random id.
std::string chooseRequestId(const std::string& candidate);

} // namespace gpucloud::http
