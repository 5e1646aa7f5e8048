#pragma once

#include <cstdint>
#include <map>
#include <string>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

namespace gpucloud::testing
{

/// A response as tests inspect it.
struct HttpResult
{
	int status = 0;
	std::map<std::string, std::string> headers;  ///< names in lower case
	std::string body;

	/// Returns the header or an empty string.
	std::string header(const std::string& name) const;

	/// Parses the body as a JSON object; throws when it is not one.
	Poco::JSON::Object::Ptr json() const;
	Poco::JSON::Array::Ptr jsonArray() const;
};

/// A small HTTP/1.1 client for tests, bound to one loopback port. Each call opens its own connection unless
/// keepAlive is set, in which case calls reuse one connection.
class HttpClient
{
public:
	explicit HttpClient(std::uint16_t port, bool keepAlive = false);
	~HttpClient();

	/// Sends a request. `body` is sent as-is with `contentType` (omitted when empty); `headers` are added.
	HttpResult request(const std::string& method, const std::string& target, const std::string& body = "",
		const std::map<std::string, std::string>& headers = {}, const std::string& contentType = "application/json");

	HttpResult get(const std::string& target, const std::map<std::string, std::string>& headers = {});
	HttpResult postJson(const std::string& target, const std::string& body,
		const std::map<std::string, std::string>& headers = {});

	/// Adds `Authorization: Bearer <token>` to every later request; an empty token removes it.
	void setBearer(const std::string& token) { _bearer = token; }

private:
	struct Session;

	std::uint16_t _port;
	bool _keepAlive;
	std::string _bearer;
	Session* _session = nullptr;
};

} // namespace gpucloud::testing
