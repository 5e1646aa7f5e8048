#include "http/json_writer.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Stringifier.h>

#include <cmath>
#include <sstream>
#include <typeinfo>

namespace gpucloud::http
{

namespace
{

void appendString(std::string_view text, std::string& out)
{
	static const char* const kHex = "0123456789ABCDEF";
	out += '"';
	for (char character : text)
	{
		auto byte = static_cast<unsigned char>(character);
		switch (character)
		{
		case '"': out += "\\\""; break;
		case '\\': out += "\\\\"; break;
		case '\b': out += "\\b"; break;
		case '\f': out += "\\f"; break;
		case '\n': out += "\\n"; break;
		case '\r': out += "\\r"; break;
		case '\t': out += "\\t"; break;
		default:
			if (byte < 0x20)
			{
				out += "\\u00";
				out += kHex[byte >> 4];
				out += kHex[byte & 0x0f];
			}
			else
				out += character;
		}
	}
	out += '"';
}

void appendObject(const Poco::JSON::Object& object, std::string& out)
{
	out += '{';
	bool first = true;
	for (const std::string& name : object.getNames())
	{
		if (!first)
			out += ',';
		first = false;
		appendString(name, out);
		out += ':';
		appendJson(object.get(name), out);
	}
	out += '}';
}

void appendArray(const Poco::JSON::Array& array, std::string& out)
{
	out += '[';
	for (std::size_t index = 0; index < array.size(); ++index)
	{
		if (index > 0)
			out += ',';
		appendJson(array.get(static_cast<unsigned int>(index)), out);
	}
	out += ']';
}

void appendNumber(const Poco::Dynamic::Var& value, double number, std::string& out)
{
	if (!std::isfinite(number))
		out += "null";
	else
		out += value.convert<std::string>();
}

} // namespace

void appendJson(const Poco::Dynamic::Var& value, std::string& out)
{
	if (value.isEmpty())
	{
		out += "null";
		return;
	}
	const std::type_info& type = value.type();
	if (type == typeid(Poco::JSON::Object::Ptr))
	{
		const auto& object = value.extract<Poco::JSON::Object::Ptr>();
		if (object)
			appendObject(*object, out);
		else
			out += "null";
	}
	else if (type == typeid(Poco::JSON::Array::Ptr))
	{
		const auto& array = value.extract<Poco::JSON::Array::Ptr>();
		if (array)
			appendArray(*array, out);
		else
			out += "null";
	}
	else if (type == typeid(Poco::JSON::Object))
		appendObject(value.extract<Poco::JSON::Object>(), out);
	else if (type == typeid(Poco::JSON::Array))
		appendArray(value.extract<Poco::JSON::Array>(), out);
	else if (type == typeid(std::string))
		appendString(value.extract<std::string>(), out);
	else if (type == typeid(char))
		appendString(std::string(1, value.extract<char>()), out);
	else if (type == typeid(bool))
		out += value.extract<bool>() ? "true" : "false";
	else if (type == typeid(double))
		appendNumber(value, value.extract<double>(), out);
	else if (type == typeid(float))
		appendNumber(value, value.extract<float>(), out);
	else if (value.isInteger())
		out += value.convert<std::string>();
	else if (value.isString() || value.isDate() || value.isDateTime() || value.isTime())
		appendString(value.convert<std::string>(), out);
	else
	{
		std::ostringstream text;
		Poco::JSON::Stringifier::stringify(value, text, 0, -1, Poco::JSON_PRESERVE_KEY_ORDER);
		out += text.str();
	}
}

void JsonWriter::separate()
{
	if (_afterValue)
		_out += ',';
	_afterValue = true;
}

JsonWriter& JsonWriter::beginObject()
{
	separate();
	_out += '{';
	_afterValue = false;
	return *this;
}

JsonWriter& JsonWriter::endObject()
{
	_out += '}';
	_afterValue = true;
	return *this;
}

JsonWriter& JsonWriter::beginArray()
{
	separate();
	_out += '[';
	_afterValue = false;
	return *this;
}

JsonWriter& JsonWriter::endArray()
{
	_out += ']';
	_afterValue = true;
	return *this;
}

JsonWriter& JsonWriter::key(std::string_view name)
{
	separate();
	appendString(name, _out);
	_out += ':';
	_afterValue = false;
	return *this;
}

JsonWriter& JsonWriter::value(std::string_view text)
{
	separate();
	appendString(text, _out);
	return *this;
}

JsonWriter& JsonWriter::value(std::int64_t number)
{
	separate();
	_out += std::to_string(number);
	return *this;
}

JsonWriter& JsonWriter::value(double number)
{
	separate();
	appendNumber(Poco::Dynamic::Var(number), number, _out);
	return *this;
}

JsonWriter& JsonWriter::value(bool flag)
{
	separate();
	_out += flag ? "true" : "false";
	return *this;
}

JsonWriter& JsonWriter::null()
{
	separate();
	_out += "null";
	return *this;
}

JsonWriter& JsonWriter::raw(std::string_view json)
{
	separate();
	_out += json;
	return *this;
}

} // namespace gpucloud::http
