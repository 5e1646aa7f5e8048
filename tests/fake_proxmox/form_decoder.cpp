#include "form_decoder.h"

#include <cctype>

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "fake_error.h"

namespace gpucloud::testing::proxmox
{

namespace
{

int hexValue(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

std::vector<std::string> splitAny(const std::string& text, const std::string& separators)
{
	std::vector<std::string> parts;
	std::string current;
	for (char c : text)
	{
		if (separators.find(c) != std::string::npos)
		{
			parts.push_back(current);
			current.clear();
		}
		else
		{
			current += c;
		}
	}
	parts.push_back(current);
	return parts;
}

} // namespace

std::string uriUnescape(const std::string& text)
{
	std::string decoded;
	for (std::size_t i = 0; i < text.size(); ++i)
	{
		if (text[i] == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 && hexValue(text[i + 2]) >= 0)
		{
			decoded += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
			i += 2;
		}
		else
		{
			decoded += text[i];
		}
	}
	return decoded;
}

std::string percentDecode(const std::string& text)
{
	std::string decoded;
	for (std::size_t i = 0; i < text.size(); ++i)
	{
		char c = text[i];
		if (c == '+')
		{
			decoded += ' ';
		}
		else if (c == '%' && i + 2 < text.size() && hexValue(text[i + 1]) >= 0 && hexValue(text[i + 2]) >= 0)
		{
			decoded += static_cast<char>(hexValue(text[i + 1]) * 16 + hexValue(text[i + 2]));
			i += 2;
		}
		else
		{
			decoded += c;
		}
	}
	return decoded;
}

ParamMap decodeUrlencoded(const std::string& text)
{
	ParamMap params;
	for (const std::string& pair : splitAny(text, "&;"))
	{
		if (pair.empty())
			continue;
		std::vector<std::string> fields = splitAny(pair, "=");
		std::string key = percentDecode(fields[0]);
		std::string value = fields.size() > 1 ? percentDecode(fields[1]) : "";
		params[key].push_back(value);
	}
	return params;
}

ParamMap decodeJsonBody(const std::string& body)
{
	ParamMap params;
	Poco::JSON::Object::Ptr object;
	try
	{
		Poco::Dynamic::Var parsed = Poco::JSON::Parser().parse(body);
		object = parsed.extract<Poco::JSON::Object::Ptr>();
	}
	catch (const Poco::Exception&)
	{
		throw FakeError(400, "malformed JSON body");
	}
	for (const auto& [key, value] : *object)
	{
		if (value.type() == typeid(bool))
			params[key].push_back(value.extract<bool>() ? "1" : "0");
		else if (value.isArray())
		{
			Poco::JSON::Array::Ptr items = value.extract<Poco::JSON::Array::Ptr>();
			for (std::size_t i = 0; i < items->size(); ++i)
				params[key].push_back(items->get(i).toString());
		}
		else if (!value.isEmpty())
			params[key].push_back(value.toString());
	}
	return params;
}

void mergeQuery(ParamMap& body, const ParamMap& query)
{
	for (const auto& [key, values] : query)
		body[key] = values;
}

} // namespace gpucloud::testing::proxmox
