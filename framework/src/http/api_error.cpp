#include "http/api_error.h"

namespace gpucloud::http
{

ApiError::ApiError(int status, const std::string& detail) : std::runtime_error(detail), _status(status), _detail(detail)
{
}

ApiError ApiError::validation(std::vector<FieldError> errors)
{
	std::string summary = "Validation failed";
	if (!errors.empty())
		summary += ": " + errors.front().message;
	ApiError error(422, summary);
	error._fieldErrors = std::move(errors);
	return error;
}

ApiError ApiError::validation(std::vector<std::string> location, const std::string& message, const std::string& type)
{
	return validation({FieldError{std::move(location), message, type}});
}

ApiError& ApiError::withHeader(const std::string& name, const std::string& value)
{
	_headers.emplace_back(name, value);
	return *this;
}

ApiError badRequest(const std::string& detail)
{
	return ApiError(400, detail);
}

ApiError unauthorized(const std::string& detail)
{
	return ApiError(401, detail).withHeader("WWW-Authenticate", "Bearer");
}

ApiError forbidden(const std::string& detail)
{
	return ApiError(403, detail);
}

ApiError notFound(const std::string& detail)
{
	return ApiError(404, detail);
}

ApiError conflict(const std::string& detail)
{
	return ApiError(409, detail);
}

ApiError serviceUnavailable(const std::string& detail)
{
	return ApiError(503, detail);
}

} // namespace gpucloud::http
