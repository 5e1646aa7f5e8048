#include "http/request.h"

#include <strings.h>

#include <Poco/Exception.h>
#include <Poco/JSON/JSONException.h>
#include <Poco/JSON/Parser.h>

#include "http/api_error.h"

namespace gpucloud::http
{

bool CaseInsensitiveLess::operator()(const std::string& left, const std::string& right) const
{
	return strcasecmp(left.c_str(), right.c_str()) < 0;
}

const std::string& Request::header(const std::string& name) const
{
	static const std::string empty;
	auto it = headers.find(name);
	return it == headers.end() ? empty : it->second;
}

std::optional<std::string> Request::queryParameter(const std::string& name) const
{
	auto it = query.find(name);
	if (it == query.end())
		return std::nullopt;
	return it->second;
}

const std::string& Request::pathParameter(const std::string& name) const
{
	return pathParameters.at(name);
}

Poco::JSON::Object::Ptr Request::jsonBody() const
{
	if (_json)
		return _json;
	if (body.find_first_not_of(" \t\r\n") == std::string::npos)
	{
		_json = new Poco::JSON::Object;
		return _json;
	}

	Poco::Dynamic::Var parsed;
	try
	{
		Poco::JSON::Parser parser;
		parsed = parser.parse(body);
	}
	catch (const Poco::Exception&)
	{
		throw badRequest("Request body is not valid JSON");
	}
	if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
		throw ApiError::validation({"body"}, "Input should be a valid JSON object", "model_attributes_type");
	_json = parsed.extract<Poco::JSON::Object::Ptr>();
	return _json;
}

const auth::Principal& Request::caller() const
{
	if (!principal)
		throw unauthorized("Not authenticated");
	return *principal;
}

} // namespace gpucloud::http
