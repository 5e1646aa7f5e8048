#include "api_client.h"

#include <chrono>
#include <sstream>

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SSLException.h>
#include <Poco/StreamCopier.h>

#include "api_error.h"
#include "json_fields.h"
#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

using sdk::ErrorKind;

/// A failure on the way to the server or back, before an HTTP status was read.
struct TransportFailure
{
	std::string text;
	bool requestSent = false;
	bool beforeResponse = false;  ///< the connection closed before any byte of the response
	bool certificateRejected = false;
};

/// Builds the error text the way Proxmox clients do: `message` when present (servers from pve-http-server 5.2.0 on),
/// else the reason phrase, followed by the per-parameter `errors` map.
std::string errorText(const Poco::Net::HTTPResponse& response, const std::string& body)
{
	std::string message;
	std::string errors;
	try
	{
		Poco::JSON::Object::Ptr envelope = asObject(Poco::JSON::Parser().parse(body));
		message = trim(stringField(envelope, "message"));
		Poco::JSON::Object::Ptr map = envelope->getObject("errors");
		if (map)
		{
			for (const auto& entry : *map)
				errors += (errors.empty() ? "" : "; ") + entry.first + ": " + trim(entry.second.toString());
		}
	}
	catch (const Poco::Exception&)
	{
		// An empty or non-JSON body (auth failures, 595/596) leaves only the reason phrase.
	}
	std::string text = message.empty() ? trim(response.getReason()) : message;
	if (!errors.empty())
		text += " (" + errors + ")";
	return text.empty() ? "no error text" : text;
}

} // namespace

ApiClient::ApiClient(const ProxmoxSettings& settings, sdk::HostServices* host)
	: _settings(settings)
	, _host(host)
	, _tls(std::make_unique<TlsPolicy>(settings))
	, _authorization("PVEAPIToken=" + settings.tokenId + "=" + settings.tokenSecret)
{
}

Poco::Dynamic::Var ApiClient::get(const std::string& path, const FormParams& query)
{
	return execute("GET", path, query, {});
}

Poco::Dynamic::Var ApiClient::post(const std::string& path, const FormParams& body)
{
	return execute("POST", path, {}, body);
}

Poco::Dynamic::Var ApiClient::put(const std::string& path, const FormParams& body)
{
	return execute("PUT", path, {}, body);
}

Poco::Dynamic::Var ApiClient::del(const std::string& path, const FormParams& query)
{
	return execute("DELETE", path, query, {});
}

Poco::Dynamic::Var ApiClient::execute(const std::string& method, const std::string& path, const FormParams& query,
	const FormParams& body)
{
	std::string target = "/api2/json" + path;
	if (!query.empty())
		target += "?" + formEncode(query);
	try
	{
		return executeOnce(method, path, target, body);
	}
	catch (const TransportFailure& failure)
	{
		std::string call = method + " " + path;
		if (failure.certificateRejected)
			throw ApiError(ErrorKind::Fatal, 0, call, failure.text, false);
		if (method == "GET" && failure.beforeResponse)
		{
			try
			{
				return executeOnce(method, path, target, body);
			}
			catch (const TransportFailure& second)
			{
				throw ApiError(ErrorKind::Unavailable, 0, call, second.text, false);
			}
		}
		throw ApiError(ErrorKind::Unavailable, 0, call, failure.text, failure.requestSent && method != "GET");
	}
}

Poco::Dynamic::Var ApiClient::executeOnce(const std::string& method, const std::string& path,
	const std::string& target, const FormParams& body)
{
	auto started = std::chrono::steady_clock::now();
	Poco::Net::HTTPSClientSession session(_settings.host, _settings.port, _tls->context());
	session.setTimeout(Poco::Timespan(std::chrono::duration_cast<std::chrono::microseconds>(
		_settings.requestTimeout).count()));

	Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
	request.set("Authorization", _authorization);
	request.set("Accept", "application/json");
	request.set("User-Agent", "gpucloud-proxmox/1.0");
	std::string encoded;
	if (method == "POST" || method == "PUT")
	{
		encoded = formEncode(body);
		request.setContentType("application/x-www-form-urlencoded");
		request.setContentLength(static_cast<std::streamsize>(encoded.size()));
	}

	try
	{
		std::ostream& out = session.sendRequest(request);
		out << encoded;
		out.flush();
	}
	catch (const Poco::Net::SSLException& error)
	{
		std::string pin = TlsPolicy::lastPinFailure();
		bool rejected = !pin.empty() || contains(error.displayText(), "certificate verify failed");
		throw TransportFailure{"TLS connection to " + _settings.apiUrl + " failed: "
				+ (pin.empty() ? error.displayText() : pin), false, false, rejected};
	}
	catch (const Poco::Exception& error)
	{
		throw TransportFailure{"cannot connect to " + _settings.apiUrl + ": " + error.displayText(), false, false, false};
	}

	Poco::Net::HTTPResponse response;
	std::string responseBody;
	try
	{
		std::istream& in = session.receiveResponse(response);
		Poco::StreamCopier::copyToString(in, responseBody);
	}
	catch (const Poco::TimeoutException& error)
	{
		throw TransportFailure{"no response from " + _settings.apiUrl + " within "
				+ std::to_string(_settings.requestTimeout.count()) + " ms", true, false, false};
	}
	catch (const Poco::Net::NoMessageException& error)
	{
		throw TransportFailure{"connection to " + _settings.apiUrl + " closed before a response", true, true, false};
	}
	catch (const Poco::Net::ConnectionResetException& error)
	{
		throw TransportFailure{"connection to " + _settings.apiUrl + " reset before a response", true, true, false};
	}
	catch (const Poco::Exception& error)
	{
		throw TransportFailure{"reading the response from " + _settings.apiUrl + " failed: " + error.displayText(),
			true, false, false};
	}

	int status = static_cast<int>(response.getStatus());
	if (_host)
	{
		auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
		_host->log(sdk::LogLevel::Debug, method + " " + path + " -> " + std::to_string(status) + " in "
				+ std::to_string(elapsed.count()) + " ms");
	}
	std::string call = method + " " + path;
	if (status != 200)
	{
		std::string text = errorText(response, responseBody);
		bool outcomeUnknown = status == 596 || status >= 597;
		throw ApiError(classifyProxmoxError(status, text), status, call, text, outcomeUnknown && method != "GET");
	}
	try
	{
		Poco::JSON::Object::Ptr envelope = asObject(Poco::JSON::Parser().parse(responseBody));
		if (!envelope->has("data"))
			throw ApiError(ErrorKind::Fatal, status, call, "the response has no 'data' member", false);
		return envelope->get("data");
	}
	catch (const Poco::Exception& error)
	{
		throw ApiError(ErrorKind::Fatal, status, call, "the response is not valid JSON: " + error.displayText(), false);
	}
}

} // namespace gpucloud::plugins::proxmox
