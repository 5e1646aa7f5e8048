#include "support/http_client.h"

#include <sstream>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

namespace gpucloud::testing
{

struct HttpClient::Session
{
	explicit Session(std::uint16_t port) : client("127.0.0.1", port) {}
	Poco::Net::HTTPClientSession client;
};

std::string HttpResult::header(const std::string& name) const
{
	auto it = headers.find(Poco::toLower(name));
	return it == headers.end() ? std::string() : it->second;
}

Poco::JSON::Object::Ptr HttpResult::json() const
{
	Poco::JSON::Parser parser;
	return parser.parse(body).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Array::Ptr HttpResult::jsonArray() const
{
	Poco::JSON::Parser parser;
	return parser.parse(body).extract<Poco::JSON::Array::Ptr>();
}

HttpClient::HttpClient(std::uint16_t port, bool keepAlive) : _port(port), _keepAlive(keepAlive)
{
}

HttpClient::~HttpClient()
{
	delete _session;
}

HttpResult HttpClient::request(const std::string& method, const std::string& target, const std::string& body,
	const std::map<std::string, std::string>& headers, const std::string& contentType)
{
	Session local(_port);
	if (_keepAlive && !_session)
		_session = new Session(_port);
	Poco::Net::HTTPClientSession& client = _keepAlive ? _session->client : local.client;
	client.setKeepAlive(_keepAlive);
	client.setTimeout(Poco::Timespan(30, 0));

	Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
	request.setKeepAlive(_keepAlive);
	if (!_bearer.empty())
		request.set("Authorization", "Bearer " + _bearer);
	for (const auto& header : headers)
		request.set(header.first, header.second);
	if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
	{
		if (!contentType.empty())
			request.setContentType(contentType);
		request.setContentLength(static_cast<std::streamsize>(body.size()));
	}

	std::ostream& out = client.sendRequest(request);
	out << body;

	Poco::Net::HTTPResponse response;
	std::istream& in = client.receiveResponse(response);
	HttpResult result;
	result.status = response.getStatus();
	for (const auto& header : response)
		result.headers[Poco::toLower(header.first)] = header.second;
	Poco::StreamCopier::copyToString(in, result.body);
	return result;
}

HttpResult HttpClient::get(const std::string& target, const std::map<std::string, std::string>& headers)
{
	return request("GET", target, "", headers);
}

HttpResult HttpClient::postJson(const std::string& target, const std::string& body,
	const std::map<std::string, std::string>& headers)
{
	return request("POST", target, body, headers);
}

} // namespace gpucloud::testing
