#pragma once

#include <string>
#include <utility>
#include <vector>

#include <Poco/Dynamic/Var.h>

namespace gpucloud::http
{

/// An HTTP response as handlers build it.
struct Response
{
	int status = 200;
	std::string contentType = "application/json";
	std::string body;
	std::vector<std::pair<std::string, std::string>> headers;

	/// Builds a JSON response from a Poco JSON object, array or scalar.
	static Response json(const Poco::Dynamic::Var& value, int status = 200);

	/// Builds a JSON response from an already serialized document.
	static Response rawJson(std::string body, int status = 200);

	static Response noContent();

	Response& withHeader(const std::string& name, const std::string& value);
};

/// Serializes a Poco JSON value compactly.
std::string toJson(const Poco::Dynamic::Var& value);

} // namespace gpucloud::http
