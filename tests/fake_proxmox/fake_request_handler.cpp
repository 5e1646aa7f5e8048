#include "fake_request_handler.h"

#include <sstream>
#include <thread>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include "fake_proxmox_server.h"

namespace gpucloud::testing::proxmox
{

namespace
{

void send(Poco::Net::HTTPServerResponse& response, int status, const std::string& reason, const std::string& body)
{
	response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status), reason);
	response.set("Server", "pve-api-daemon/3.0");
	response.set("Cache-Control", "max-age=0");
	response.set("Pragma", "no-cache");
	// pveproxy closes the connection after every response with a status of 400 or more.
	response.setKeepAlive(status < 400);
	response.setContentType("application/json;charset=UTF-8");
	response.setContentLength(static_cast<std::streamsize>(body.size()));
	response.send() << body;
}

void sendData(Poco::Net::HTTPServerResponse& response, const Poco::Dynamic::Var& data)
{
	Poco::JSON::Object envelope;
	envelope.set("data", data);
	std::ostringstream body;
	envelope.stringify(body);
	send(response, 200, "OK", body.str());
}

void sendError(Poco::Net::HTTPServerResponse& response, const FakeError& error, bool messageInBody)
{
	std::string reason = error.message.substr(0, error.message.find('\n'));
	if (error.emptyBody)
	{
		send(response, error.status, reason, "");
		return;
	}
	Poco::JSON::Object envelope;
	envelope.set("data", Poco::Dynamic::Var());
	if (!error.errors.empty())
	{
		Poco::JSON::Object::Ptr errors = new Poco::JSON::Object;
		for (const auto& [key, text] : error.errors)
			errors->set(key, text + "\n");
		envelope.set("errors", errors);
	}
	if (messageInBody)
		envelope.set("message", error.message + "\n");
	std::ostringstream body;
	envelope.stringify(body);
	send(response, error.status, reason, body.str());
}

ParamMap decodeParams(Poco::Net::HTTPServerRequest& request, const std::string& query, const std::string& body)
{
	ParamMap params;
	if (!body.empty())
	{
		std::string contentType = request.getContentType();
		if (contentType.rfind("application/json", 0) == 0)
			params = decodeJsonBody(body);
		else
			params = decodeUrlencoded(body);
	}
	mergeQuery(params, decodeUrlencoded(query));
	return params;
}

} // namespace

void FakeRequestHandler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response)
{
	FakeCluster& cluster = _server.cluster();
	const FakeProxmoxOptions& options = cluster.options();
	bool messageInBody = options.version.messageInErrorBody;

	// Like pve-http-server, a request without Content-Length and without chunked encoding has no body; reading
	// it until the connection closes would block the client.
	std::string body;
	if (request.hasContentLength() || request.getChunkedTransferEncoding())
		Poco::StreamCopier::copyToString(request.stream(), body);
	std::string target = request.getURI();
	std::string rawPath = target.substr(0, target.find('?'));
	std::string query = target.find('?') == std::string::npos ? "" : target.substr(target.find('?') + 1);
	_server.record(RecordedRequest{request.getMethod(), target, request.getContentType(), body});

	try
	{
		const std::string prefix = "/api2/json";
		if (rawPath.compare(0, prefix.size(), prefix) != 0)
			throw FakeError(501, "Method '" + request.getMethod() + " " + rawPath + "' not implemented");
		std::string path = rawPath.substr(prefix.size());
		bool mayHaveBody = request.getMethod() == "POST" || request.getMethod() == "PUT";
		if (!mayHaveBody && (request.getContentLength() > 0 || !body.empty()))
			throw FakeError(501, "Unexpected content for method '" + request.getMethod() + "'");

		ParamMap params = decodeParams(request, query, body);
		if (request.getMethod() == "POST" && path == "/access/ticket")
		{
			sendData(response, cluster.createTicket(params));
			return;
		}

		Principal principal;
		try
		{
			principal = cluster.authenticate(request.get("Authorization", ""), request.get("Cookie", ""),
				request.get("CSRFPreventionToken", ""), request.getMethod());
		}
		catch (const FakeError& error)
		{
			std::this_thread::sleep_for(options.authFailureDelay);
			throw;
		}

		FakeHttpFault fault;
		bool faulted = _server.takeFault(request.getMethod(), path, fault);
		if (faulted && !fault.applyFirst)
			throw FakeError(fault.status, fault.message, {}, fault.status >= 595);

		Poco::Dynamic::Var data = cluster.handle(FakeRequest{request.getMethod(), path, params, principal});
		if (faulted)
			throw FakeError(fault.status, fault.message, {}, fault.status >= 595);
		sendData(response, data);
	}
	catch (const FakeError& error)
	{
		sendError(response, error, messageInBody);
	}
	catch (const std::exception& error)
	{
		sendError(response, FakeError(500, error.what()), messageInBody);
	}
}

} // namespace gpucloud::testing::proxmox
