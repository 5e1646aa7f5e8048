#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace gpucloud::http
{

/// One entry of a FastAPI-shaped 422 body: {"loc": ["body", "storage_gb"], "msg": "...", "type": "..."}.
struct FieldError
{
	std::vector<std::string> location;  ///< starts with "body", "query", "path" or "header"
	std::string message;
	std::string type;
};

/// An error meant for the client: an HTTP status and a `detail` sentence, or a list of field errors for 422.
/// Handlers and services throw it; the dispatcher turns it into the JSON error body.
class ApiError : public std::runtime_error
{
public:
	ApiError(int status, const std::string& detail);

	/// Builds a 422 from one or more field errors.
	static ApiError validation(std::vector<FieldError> errors);
	static ApiError validation(std::vector<std::string> location, const std::string& message, const std::string& type);

	int status() const noexcept { return _status; }
	const std::string& detail() const noexcept { return _detail; }
	const std::vector<FieldError>& fieldErrors() const noexcept { return _fieldErrors; }

	/// Extra response headers, such as Retry-After or WWW-Authenticate.
	const std::vector<std::pair<std::string, std::string>>& headers() const noexcept { return _headers; }
	ApiError& withHeader(const std::string& name, const std::string& value);

private:
	int _status;
	std::string _detail;
	std::vector<FieldError> _fieldErrors;
	std::vector<std::pair<std::string, std::string>> _headers;
};

ApiError badRequest(const std::string& detail);
ApiError unauthorized(const std::string& detail);
ApiError forbidden(const std::string& detail);
ApiError notFound(const std::string& detail);
ApiError conflict(const std::string& detail);
ApiError serviceUnavailable(const std::string& detail);

} // namespace gpucloud::http
