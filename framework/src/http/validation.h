#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Poco/JSON/Object.h>

#include "http/api_error.h"
#include "http/request.h"
#include "http/response.h"

namespace gpucloud::http
{

/// Reads typed fields from a JSON request body and collects one FieldError per bad field, so that a client sees
/// every problem of a request at once in a FastAPI-shaped 422. Call check() after the last field.
class JsonFields
{
public:
	explicit JsonFields(Poco::JSON::Object::Ptr object);

	std::optional<std::string> string(const std::string& name, bool required, std::size_t maxLength = 1024,
		std::size_t minLength = 0);
	std::optional<std::int64_t> integer(const std::string& name, bool required, std::int64_t min, std::int64_t max);
	std::optional<double> number(const std::string& name, bool required);
	std::optional<bool> boolean(const std::string& name, bool required);
	std::optional<std::vector<std::string>> stringList(const std::string& name, bool required);

	/// Records an error for a field whose value is well-typed but unacceptable.
	void fail(const std::string& name, const std::string& message, const std::string& type = "value_error");

	bool has(const std::string& name) const;

	/// Throws ApiError(422) with every collected error; does nothing when there is none.
	void check() const;

private:
	bool present(const std::string& name, bool required);

	Poco::JSON::Object::Ptr _object;
	std::vector<FieldError> _errors;
};

/// limit/offset of a list endpoint.
struct Pagination
{
	std::int64_t limit = 50;
	std::int64_t offset = 0;
};

/// Reads typed query parameters and collects a FieldError per bad one, like JsonFields.
class QueryFields
{
public:
	explicit QueryFields(const Request& request);

	std::optional<std::string> string(const std::string& name, std::size_t maxLength = 256);
	std::optional<std::int64_t> integer(const std::string& name, std::int64_t min, std::int64_t max);
	std::optional<double> number(const std::string& name, double min, double max);
	std::optional<bool> boolean(const std::string& name);
	std::optional<std::string> oneOf(const std::string& name, const std::vector<std::string>& allowed);

	/// Reads `limit` (1..100, default 50) and `offset` (>= 0, default 0).
	Pagination pagination();

	void fail(const std::string& name, const std::string& message, const std::string& type = "value_error");
	void check() const;

private:
	const Request& _request;
	std::vector<FieldError> _errors;
};

/// Adds X-Total-Count and an RFC 8288 Link header with rel="next" and rel="prev" where those pages exist.
void addPaginationHeaders(Response& response, const Request& request, const Pagination& page, std::int64_t total);

/// Returns a new JSON object that keeps keys in insertion order, for responses whose field order matters to readers.
Poco::JSON::Object::Ptr orderedObject();

} // namespace gpucloud::http
