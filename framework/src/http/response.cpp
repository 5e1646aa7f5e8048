#include "http/response.h"

#include "http/json_writer.h"

namespace gpucloud::http
{

std::string toJson(const Poco::Dynamic::Var& value)
{
	std::string out;
	out.reserve(512);
	appendJson(value, out);
	return out;
}

Response Response::json(const Poco::Dynamic::Var& value, int status)
{
	return rawJson(toJson(value), status);
}

Response Response::rawJson(std::string body, int status)
{
	Response response;
	response.status = status;
	response.body = std::move(body);
	return response;
}

Response Response::noContent()
{
	Response response;
	response.status = 204;
	response.contentType.clear();
	return response;
}

Response& Response::withHeader(const std::string& name, const std::string& value)
{
	headers.emplace_back(name, value);
	return *this;
}

} // namespace gpucloud::http
