#include "http/http_server.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Random.h>
#include <Poco/URI.h>

#include "http/api_error.h"
#include "http/error_mapping.h"
#include "http/keep_alive_connection.h"
#include "util/random.h"

namespace gpucloud::http
{

namespace
{

class BodyTooLarge : public std::exception
{
};

std::string readBody(Poco::Net::HTTPServerRequest& request, std::size_t limit)
{
	// A request without Content-Length and without chunked encoding has no body (RFC 9112 section 6.3); reading
	// its stream would wait for the client to close the connection.
	if (!request.hasContentLength() && !request.getChunkedTransferEncoding())
		return {};
	std::streamsize declaredLength = request.getContentLength64();
	if (request.hasContentLength() && static_cast<std::size_t>(declaredLength) > limit)
		throw BodyTooLarge();

	std::istream& stream = request.stream();
	std::string body;
	char buffer[8192];
	while (stream.good())
	{
		stream.read(buffer, sizeof(buffer));
		std::streamsize count = stream.gcount();
		if (count <= 0)
			break;
		if (body.size() + static_cast<std::size_t>(count) > limit)
			throw BodyTooLarge();
		body.append(buffer, static_cast<std::size_t>(count));
	}
	return body;
}

Request translateRequest(Poco::Net::HTTPServerRequest& serverRequest)
{
	Request request;
	request.method = serverRequest.getMethod();
	request.clientAddress = serverRequest.clientAddress().host().toString();

	Poco::URI uri(serverRequest.getURI());
	request.path = uri.getPath();
	for (const auto& parameter : uri.getQueryParameters())
		request.query.emplace(parameter.first, parameter.second);
	for (const auto& header : serverRequest)
		request.headers.emplace(header.first, header.second);
	return request;
}

/// Returns the request path for the access log, with the value of a path parameter named `token` replaced by
/// "<redacted>", because such a token is a credential (cloud-init seed URLs carry one).
std::string loggablePath(const Request& request)
{
	if (request.path.empty())
		return "-";
	auto token = request.pathParameters.find("token");
	if (token == request.pathParameters.end() || token->second.empty())
		return request.path;
	std::string path = request.path;
	std::size_t at = path.find("/" + token->second);
	if (at != std::string::npos)
		path.replace(at + 1, token->second.size(), "<redacted>");
	return path;
}

/// One request from accept to access-log line.
class ApiRequestHandler : public Poco::Net::HTTPRequestHandler
{
public:
	ApiRequestHandler(const Dispatcher& dispatcher, std::size_t maxBodyBytes)
		: _dispatcher(dispatcher), _maxBodyBytes(maxBodyBytes)
	{
	}

	void handleRequest(Poco::Net::HTTPServerRequest& serverRequest, Poco::Net::HTTPServerResponse& serverResponse) override
	{
		auto started = std::chrono::steady_clock::now();
		std::string requestId = chooseRequestId(serverRequest.get("X-Request-Id", ""));
		Request request;
		Response response;
		try
		{
			request = translateRequest(serverRequest);
			request.requestId = requestId;
			request.body = readBody(serverRequest, _maxBodyBytes);
			response = _dispatcher.dispatch(request);
		}
		catch (const BodyTooLarge&)
		{
			response = apiErrorResponse(ApiError(413, "Request body exceeds " + std::to_string(_maxBodyBytes) + " bytes"));
			serverResponse.setKeepAlive(false);
		}
		catch (const Poco::SyntaxException&)
		{
			response = apiErrorResponse(ApiError(400, "Request URI is malformed"));
		}
		catch (...)
		{
			bool serverFault = false;
			response = errorResponse(std::current_exception(), requestId, serverFault);
		}

		send(serverResponse, response, requestId);
		logAccess(serverRequest, request, response, started);
	}

private:
	void send(Poco::Net::HTTPServerResponse& serverResponse, const Response& response, const std::string& requestId)
	{
		serverResponse.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(response.status));
		serverResponse.set("X-Request-Id", requestId);
		for (const auto& header : response.headers)
			serverResponse.add(header.first, header.second);
		if (response.status == 204 || response.status == 304)
		{
			serverResponse.setContentLength(0);
			serverResponse.send();
			return;
		}
		if (!response.contentType.empty())
			serverResponse.setContentType(response.contentType);
		// sendBuffer() writes the header and the body (none for HEAD) through one buffered stream, so a response of
		// up to 4 KiB leaves in one send(2) instead of one for the header and one for the body. Its length is an int,
		// which limits a body to 2 GiB; the JSON bodies built here are far smaller.
		serverResponse.sendBuffer(response.body.data(), response.body.size());
	}

	void logAccess(const Poco::Net::HTTPServerRequest& serverRequest, const Request& request, const Response& response,
		std::chrono::steady_clock::time_point started)
	{
		static Poco::Logger& logger = Poco::Logger::get("gpucloud.access");
		if (!logger.information())
			return;
		auto micros = std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - started);
		std::string user = request.principal ? std::to_string(request.principal->userId) : "-";
		// The path is logged without its query string, which may carry values a client considers private.
		logger.information("%s %s %s %d %z %.3fms request_id=%s user=%s", serverRequest.clientAddress().host().toString(),
			serverRequest.getMethod(), loggablePath(request), response.status,
			response.body.size(), static_cast<double>(micros.count()) / 1000.0, request.requestId, user);
	}

	const Dispatcher& _dispatcher;
	std::size_t _maxBodyBytes;
};

class ApiRequestHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory
{
public:
	ApiRequestHandlerFactory(std::shared_ptr<Dispatcher> dispatcher, std::size_t maxBodyBytes)
		: _dispatcher(std::move(dispatcher)), _maxBodyBytes(maxBodyBytes)
	{
	}

	Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override
	{
		return new ApiRequestHandler(*_dispatcher, _maxBodyBytes);
	}

private:
	std::shared_ptr<Dispatcher> _dispatcher;
	std::size_t _maxBodyBytes;
};

bool isRequestIdCharacter(char character)
{
	return std::isalnum(static_cast<unsigned char>(character)) || character == '.' || character == '_'
		|| character == '-' || character == ':';
}

} // namespace

std::string chooseRequestId(const std::string& candidate)
{
	if (!candidate.empty() && candidate.size() <= 128
		&& std::all_of(candidate.begin(), candidate.end(), isRequestIdCharacter))
		return candidate;
	return util::randomHex(16);
}

HttpServer::HttpServer(const HttpServerSettings& settings, std::shared_ptr<Dispatcher> dispatcher)
	: _settings(settings), _dispatcher(std::move(dispatcher))
{
}

HttpServer::~HttpServer()
{
	if (_server)
		stop(0);
}

void HttpServer::start()
{
	Poco::Net::ServerSocket socket;
	if (_settings.tlsEnabled())
	{
		Poco::Net::Context::Params tls;
		tls.certificateFile = _settings.tlsCertificateFile;
		tls.privateKeyFile = _settings.tlsPrivateKeyFile;
		tls.verificationMode = Poco::Net::Context::VERIFY_NONE;
		tls.loadDefaultCAs = false;
		tls.cipherList = "HIGH:!aNULL:!MD5:!RC4";
		Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, tls);
		context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3
			| Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
		socket = Poco::Net::SecureServerSocket(context);
	}
	// SO_REUSEADDR lets a restarted server bind while old connections linger in TIME_WAIT. SO_REUSEPORT stays off:
	// with it a second server would share the port with a running one instead of failing to start.
	socket.bind(Poco::Net::SocketAddress(_settings.host, _settings.port), true, false);
	socket.listen(1024);
	_port = socket.address().port();

	Poco::Net::HTTPServerParams::Ptr params = new Poco::Net::HTTPServerParams;
	params->setMaxThreads(_settings.maxThreads);
	params->setMaxQueued(_settings.maxQueued);
	params->setKeepAlive(true);
	params->setKeepAliveTimeout(Poco::Timespan(_settings.keepAliveTimeoutSeconds, 0));
	params->setMaxKeepAliveRequests(_settings.maxKeepAliveRequests);
	params->setServerName("gpucloud");

	_threads = std::make_unique<Poco::ThreadPool>("gpucloud-http", _settings.minThreads, _settings.maxThreads);
	_connections = new KeepAliveConnectionFactory(params, new ApiRequestHandlerFactory(_dispatcher, _settings.maxBodyBytes));
	_server = std::make_unique<Poco::Net::TCPServer>(_connections, *_threads, socket, params);
	_server->start();
}

void HttpServer::stop(long timeoutMs)
{
	if (!_server)
		return;
	// Stop accepting, close idle connections and let running handlers finish; wait for them, then close what is
	// left.
	_server->stop();
	_connections->stopAll(false);
	auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
	while (_server->currentConnections() > 0 && std::chrono::steady_clock::now() < deadline)
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	_connections->stopAll(true);
	_server.reset();
	_threads->joinAll();
	_threads.reset();
}

std::uint16_t HttpServer::port() const
{
	return _port;
}

} // namespace gpucloud::http
