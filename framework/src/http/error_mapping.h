#pragma once

#include <exception>

#include "http/api_error.h"
#include "http/response.h"

namespace gpucloud::http
{

/// Turns the exception in flight into the client's error response, the one place where exception types meet HTTP
/// status codes. An ApiError keeps its own status. An sdk::BackendError maps by kind: NotFound 404, Conflict and
/// CapacityExhausted 409, Unavailable 503 with Retry-After, InvalidRequest 422, NotSupported 409, Fatal 502.
/// Anything else is a 500 whose body names only the request id. `serverFault` is set to true when the error is a server
/// fault worth a log line.
Response errorResponse(std::exception_ptr error, const std::string& requestId, bool& serverFault);

/// Builds the body of an ApiError: {"detail": "..."} or the FastAPI list for 422.
Response apiErrorResponse(const ApiError& error);

} // namespace gpucloud::http
