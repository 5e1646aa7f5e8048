#pragma once

#include <map>
#include <optional>
#include <string>

#include <Poco/JSON/Object.h>

#include "auth/principal.h"

namespace gpucloud::http
{

/// Compares header names without regard to case.
struct CaseInsensitiveLess
{
	bool operator()(const std::string& left, const std::string& right) const;
};

using HeaderMap = std::map<std::string, std::string, CaseInsensitiveLess>;

/// An HTTP request as handlers see it, independent of the server library so that handlers can be tested
/// without sockets.
struct Request
{
	std::string method;
	std::string path;  ///< decoded path without the query string
	std::map<std::string, std::string> query;  ///< decoded query parameters; the first value wins
	HeaderMap headers;
	std::string body;
	std::string clientAddress;  ///< peer IP address
	std::string requestId;

	std::map<std::string, std::string> pathParameters;  ///< filled by the router, such as {"id": "..."}
	std::optional<auth::Principal> principal;           ///< set when the request carried a valid credential
	std::string routePattern;                           ///< the matched route, such as "/vms/{id}", for logs and metrics

	/// Returns the header value or an empty string.
	const std::string& header(const std::string& name) const;

	/// Returns the query parameter or nullopt.
	std::optional<std::string> queryParameter(const std::string& name) const;

	/// Returns the path parameter or throws std::out_of_range for a name the route does not define.
	const std::string& pathParameter(const std::string& name) const;

	/// Returns the body parsed as a JSON object. An empty body is an empty object. Throws ApiError(400) when the
	/// body is not valid JSON and a 422 when it is JSON but not an object.
	Poco::JSON::Object::Ptr jsonBody() const;

	/// Returns the authenticated caller; throws ApiError(401) when the request carried no credential.
	const auth::Principal& caller() const;

private:
	mutable Poco::JSON::Object::Ptr _json;
};

} // namespace gpucloud::http
