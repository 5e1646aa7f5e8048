#include "fake_proxmox_server.h"

#include <cstdlib>
#include <filesystem>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/ThreadPool.h>

#include "fake_request_handler.h"

namespace gpucloud::testing::proxmox
{

namespace
{

std::string makeCertificateDirectory(const std::string& requested)
{
	if (!requested.empty())
	{
		std::filesystem::create_directories(requested);
		return requested;
	}
	std::string pattern = (std::filesystem::temp_directory_path() / "fake-pve-XXXXXX").string();
	if (::mkdtemp(pattern.data()) == nullptr)
		throw std::runtime_error("Cannot create a folder for the fake Proxmox certificates under /tmp");
	return pattern;
}

} // namespace

FakeProxmoxServer::FakeProxmoxServer(FakeProxmoxOptions options)
{
	Poco::Net::initializeSSL();
	bool ownDirectory = options.certificateDirectory.empty();
	_tls = TlsMaterial::generate(makeCertificateDirectory(options.certificateDirectory));
	if (!ownDirectory)
		_tls.directory.clear();  // the caller's folder is left in place
	_cluster = std::make_unique<FakeCluster>(std::move(options), _tls.serverFingerprint);

	Poco::Net::Context::Params params;
	params.privateKeyFile = _tls.serverKeyFile;
	params.certificateFile = _tls.serverCertificateFile;
	params.verificationMode = Poco::Net::Context::VERIFY_NONE;
	params.loadDefaultCAs = false;
	Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
	Poco::Net::SecureServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 64, context);
	_port = socket.address().port();

	Poco::Net::HTTPServerParams::Ptr serverParams = new Poco::Net::HTTPServerParams;
	serverParams->setMaxThreads(48);
	serverParams->setMaxQueued(128);
	serverParams->setKeepAlive(true);
	serverParams->setKeepAliveTimeout(Poco::Timespan(5, 0));
	serverParams->setTimeout(Poco::Timespan(30, 0));
	_threads = std::make_unique<Poco::ThreadPool>(2, 48);
	_server = std::make_unique<Poco::Net::HTTPServer>(new FakeRequestHandlerFactory(*this), *_threads, socket,
		serverParams);
	_server->start();
}

FakeProxmoxServer::~FakeProxmoxServer()
{
	_server->stopAll(true);
	_server.reset();
	_threads->joinAll();
	if (!_tls.directory.empty())
	{
		std::error_code ignored;
		std::filesystem::remove_all(_tls.directory, ignored);
	}
	Poco::Net::uninitializeSSL();
}

std::string FakeProxmoxServer::url() const
{
	return "https://127.0.0.1:" + std::to_string(_port);
}

void FakeProxmoxServer::addFault(const FakeHttpFault& fault)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_faults.push_back(fault);
}

bool FakeProxmoxServer::takeFault(const std::string& method, const std::string& path, FakeHttpFault& fault)
{
	std::lock_guard<std::mutex> lock(_mutex);
	for (auto it = _faults.begin(); it != _faults.end(); ++it)
	{
		if ((!it->method.empty() && it->method != method) || path.find(it->pathContains) == std::string::npos)
			continue;
		if (it->skip > 0)
		{
			--it->skip;
			return false;
		}
		fault = *it;
		if (--it->count <= 0)
			_faults.erase(it);
		return true;
	}
	return false;
}

void FakeProxmoxServer::record(const RecordedRequest& request)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_requests.push_back(request);
}

std::vector<RecordedRequest> FakeProxmoxServer::requests()
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _requests;
}

} // namespace gpucloud::testing::proxmox
