#include "http/error_mapping.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "gpucloud/sdk/errors.h"

namespace gpucloud::http
{

namespace
{

Response detailResponse(int status, const std::string& detail)
{
	Poco::JSON::Object body;
	body.set("detail", detail);
	return Response::json(body, status);
}

Response backendErrorResponse(const sdk::BackendError& error)
{
	// Operator-facing backend messages name nodes and calls; clients get a fixed sentence per kind.
	switch (error.kind())
	{
	case sdk::ErrorKind::NotFound: return detailResponse(404, "The resource was not found on the hypervisor backend");
	case sdk::ErrorKind::Conflict: return detailResponse(409, "The hypervisor backend is busy with this resource; retry later");
	case sdk::ErrorKind::CapacityExhausted: return detailResponse(409, "The hypervisor backend has no capacity for this request");
	case sdk::ErrorKind::InvalidRequest: return detailResponse(422, "The hypervisor backend rejected the request");
	case sdk::ErrorKind::NotSupported: return detailResponse(409, "The hypervisor backend does not support this operation");
	case sdk::ErrorKind::Unavailable:
	{
		auto seconds = std::chrono::duration_cast<std::chrono::seconds>(error.retryAfter()).count();
		return detailResponse(503, "The hypervisor backend is unavailable; retry later")
			.withHeader("Retry-After", std::to_string(seconds > 0 ? seconds : 5));
	}
	case sdk::ErrorKind::Fatal: break;
	}
	return detailResponse(502, "The hypervisor backend failed");
}

} // namespace

Response apiErrorResponse(const ApiError& error)
{
	Response response;
	if (error.status() == 422 && !error.fieldErrors().empty())
	{
		Poco::JSON::Array entries;
		for (const FieldError& field : error.fieldErrors())
		{
			Poco::JSON::Object entry(Poco::JSON_PRESERVE_KEY_ORDER);
			Poco::JSON::Array location;
			for (const std::string& part : field.location)
				location.add(part);
			entry.set("loc", location);
			entry.set("msg", field.message);
			entry.set("type", field.type);
			entries.add(entry);
		}
		Poco::JSON::Object body;
		body.set("detail", entries);
		response = Response::json(body, 422);
	}
	else
	{
		response = detailResponse(error.status(), error.detail());
	}
	for (const auto& header : error.headers())
		response.withHeader(header.first, header.second);
	return response;
}

Response errorResponse(std::exception_ptr error, const std::string& requestId, bool& serverFault)
{
	serverFault = false;
	try
	{
		std::rethrow_exception(error);
	}
	catch (const ApiError& apiError)
	{
		serverFault = apiError.status() >= 500;
		return apiErrorResponse(apiError);
	}
	catch (const sdk::BackendError& backendError)
	{
		serverFault = true;
		return backendErrorResponse(backendError);
	}
	catch (...)
	{
		serverFault = true;
	}
	return detailResponse(500, "Internal server error (request id " + requestId + ")");
}

} // namespace gpucloud::http
