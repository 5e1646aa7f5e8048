#pragma once

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>

namespace gpucloud::testing::proxmox
{

class FakeProxmoxServer;

/// Speaks the HTTP side of the Proxmox API: the /api2/json prefix, body rules, authentication, the response
/// envelope and error shapes, and scripted HTTP faults. The cluster behind it does the rest.
class FakeRequestHandler : public Poco::Net::HTTPRequestHandler
{
public:
	explicit FakeRequestHandler(FakeProxmoxServer& server) : _server(server) {}

	void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override;

private:
	FakeProxmoxServer& _server;
};

class FakeRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory
{
public:
	explicit FakeRequestHandlerFactory(FakeProxmoxServer& server) : _server(server) {}

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
	{
		return new FakeRequestHandler(_server);
	}

private:
	FakeProxmoxServer& _server;
};

} // namespace gpucloud::testing::proxmox
