#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fake_cluster.h"
#include "fake_options.h"
#include "tls_material.h"

namespace Poco::Net
{
class HTTPServer;
}
namespace Poco
{
class ThreadPool;
}

namespace gpucloud::testing::proxmox
{

/// A request as it arrived, for tests that check what travels on the wire. Headers are not kept, so the token
/// secret is never stored.
struct RecordedRequest
{
	std::string method;
	std::string target;  ///< path and query string, as sent
	std::string contentType;
	std::string body;
};

/// A scripted HTTP failure for requests whose method and path match.
struct FakeHttpFault
{
	std::string method;        ///< empty: any method
	std::string pathContains;  ///< matched against the path after /api2/json
	int status = 500;
	std::string message;       ///< reason phrase and message; 595/596 are sent with an empty body
	int count = 1;             ///< how many matching requests fail
	int skip = 0;              ///< matching requests let through before the first failure
	bool applyFirst = false;   ///< handle the request, then answer with the failure (a lost response)
};

/// A fake Proxmox VE API server on https://127.0.0.1:<port chosen at start>/api2/json, with a certificate generated
/// at start. Create one per test; the destructor stops it and removes the certificate files.
class FakeProxmoxServer
{
public:
	explicit FakeProxmoxServer(FakeProxmoxOptions options = {});
	~FakeProxmoxServer();

	FakeProxmoxServer(const FakeProxmoxServer&) = delete;
	FakeProxmoxServer& operator=(const FakeProxmoxServer&) = delete;

	/// https://127.0.0.1:<port>, without /api2/json.
	std::string url() const;
	std::uint16_t port() const { return _port; }
	const TlsMaterial& tls() const { return _tls; }
	FakeCluster& cluster() { return *_cluster; }
	const FakeTokenOptions& token() const { return _cluster->options().tokens.front(); }

	void addFault(const FakeHttpFault& fault);
	std::vector<RecordedRequest> requests();

	/// Used by the request handler: returns the fault that applies to this request, if any, and counts it.
	bool takeFault(const std::string& method, const std::string& path, FakeHttpFault& fault);
	void record(const RecordedRequest& request);

private:
	TlsMaterial _tls;
	std::unique_ptr<FakeCluster> _cluster;
	std::unique_ptr<Poco::ThreadPool> _threads;
	std::unique_ptr<Poco::Net::HTTPServer> _server;
	std::uint16_t _port = 0;
	std::mutex _mutex;
	std::vector<FakeHttpFault> _faults;
	std::vector<RecordedRequest> _requests;
};

} // namespace gpucloud::testing::proxmox
