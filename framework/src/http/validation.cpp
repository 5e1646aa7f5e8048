#include "http/validation.h"

#include <cmath>
#include <limits>

#include <Poco/JSON/Array.h>
#include <Poco/NumberFormatter.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/URI.h>

namespace gpucloud::http
{

namespace
{

bool isInteger(const Poco::Dynamic::Var& value)
{
	return value.isInteger() && !value.isBoolean();
}

/// Returns `number` when it lies in [min, max]; otherwise reports the bound it crosses through `fail`.
template <class Fail>
std::optional<std::int64_t> checkRange(const std::string& name, std::int64_t number, std::int64_t min, std::int64_t max,
	Fail fail)
{
	if (number < min)
	{
		fail(name, "Input should be greater than or equal to " + std::to_string(min), "greater_than_equal");
		return std::nullopt;
	}
	if (number > max)
	{
		fail(name, "Input should be less than or equal to " + std::to_string(max), "less_than_equal");
		return std::nullopt;
	}
	return number;
}

} // namespace

JsonFields::JsonFields(Poco::JSON::Object::Ptr object) : _object(std::move(object))
{
}

bool JsonFields::has(const std::string& name) const
{
	return _object->has(name) && !_object->isNull(name);
}

bool JsonFields::present(const std::string& name, bool required)
{
	if (has(name))
		return true;
	if (required)
		fail(name, "Field required", "missing");
	return false;
}

void JsonFields::fail(const std::string& name, const std::string& message, const std::string& type)
{
	_errors.push_back(FieldError{{"body", name}, message, type});
}

std::optional<std::string> JsonFields::string(const std::string& name, bool required, std::size_t maxLength,
	std::size_t minLength)
{
	if (!present(name, required))
		return std::nullopt;
	Poco::Dynamic::Var value = _object->get(name);
	if (!value.isString())
	{
		fail(name, "Input should be a valid string", "string_type");
		return std::nullopt;
	}
	std::string text = value.extract<std::string>();
	if (text.size() > maxLength)
	{
		fail(name, "String should have at most " + std::to_string(maxLength) + " characters", "string_too_long");
		return std::nullopt;
	}
	if (text.size() < minLength)
	{
		fail(name, "String should have at least " + std::to_string(minLength) + " characters", "string_too_short");
		return std::nullopt;
	}
	return text;
}

std::optional<std::int64_t> JsonFields::integer(const std::string& name, bool required, std::int64_t min,
	std::int64_t max)
{
	if (!present(name, required))
		return std::nullopt;
	Poco::Dynamic::Var value = _object->get(name);
	std::int64_t number = 0;
	if (isInteger(value))
	{
		number = value.convert<Poco::Int64>();
	}
	else if (value.isNumeric() && !value.isBoolean())
	{
		double real = value.convert<double>();
		if (std::floor(real) != real || std::fabs(real) > 9.0e15)
		{
			fail(name, "Input should be a valid integer", "int_type");
			return std::nullopt;
		}
		number = static_cast<std::int64_t>(real);
	}
	else
	{
		fail(name, "Input should be a valid integer", "int_type");
		return std::nullopt;
	}
	return checkRange(name, number, min, max, [this](const std::string& field, const std::string& message,
		const std::string& type) { fail(field, message, type); });
}

std::optional<double> JsonFields::number(const std::string& name, bool required)
{
	if (!present(name, required))
		return std::nullopt;
	Poco::Dynamic::Var value = _object->get(name);
	if (!value.isNumeric() || value.isBoolean())
	{
		fail(name, "Input should be a valid number", "float_type");
		return std::nullopt;
	}
	double number = value.convert<double>();
	if (!std::isfinite(number))
	{
		fail(name, "Input should be a finite number", "finite_number");
		return std::nullopt;
	}
	return number;
}

std::optional<bool> JsonFields::boolean(const std::string& name, bool required)
{
	if (!present(name, required))
		return std::nullopt;
	Poco::Dynamic::Var value = _object->get(name);
	if (!value.isBoolean())
	{
		fail(name, "Input should be a valid boolean", "bool_type");
		return std::nullopt;
	}
	return value.extract<bool>();
}

std::optional<std::vector<std::string>> JsonFields::stringList(const std::string& name, bool required)
{
	if (!present(name, required))
		return std::nullopt;
	Poco::JSON::Array::Ptr array = _object->getArray(name);
	if (!array)
	{
		fail(name, "Input should be a valid list", "list_type");
		return std::nullopt;
	}
	std::vector<std::string> items;
	for (std::size_t i = 0; i < array->size(); ++i)
	{
		Poco::Dynamic::Var item = array->get(static_cast<unsigned>(i));
		if (!item.isString())
		{
			_errors.push_back(FieldError{{"body", name, std::to_string(i)}, "Input should be a valid string", "string_type"});
			return std::nullopt;
		}
		items.push_back(item.extract<std::string>());
	}
	return items;
}

void JsonFields::check() const
{
	if (!_errors.empty())
		throw ApiError::validation(_errors);
}

QueryFields::QueryFields(const Request& request) : _request(request)
{
}

void QueryFields::fail(const std::string& name, const std::string& message, const std::string& type)
{
	_errors.push_back(FieldError{{"query", name}, message, type});
}

std::optional<std::string> QueryFields::string(const std::string& name, std::size_t maxLength)
{
	auto value = _request.queryParameter(name);
	if (value && value->size() > maxLength)
	{
		fail(name, "String should have at most " + std::to_string(maxLength) + " characters", "string_too_long");
		return std::nullopt;
	}
	return value;
}

std::optional<std::int64_t> QueryFields::integer(const std::string& name, std::int64_t min, std::int64_t max)
{
	auto value = _request.queryParameter(name);
	if (!value)
		return std::nullopt;
	Poco::Int64 number = 0;
	if (!Poco::NumberParser::tryParse64(Poco::trim(*value), number))
	{
		fail(name, "Input should be a valid integer, unable to parse string as an integer", "int_parsing");
		return std::nullopt;
	}
	return checkRange(name, number, min, max, [this](const std::string& field, const std::string& message,
		const std::string& type) { fail(field, message, type); });
}

std::optional<double> QueryFields::number(const std::string& name, double min, double max)
{
	auto value = _request.queryParameter(name);
	if (!value)
		return std::nullopt;
	double number = 0;
	if (!Poco::NumberParser::tryParseFloat(Poco::trim(*value), number) || !std::isfinite(number))
	{
		fail(name, "Input should be a valid number, unable to parse string as a number", "float_parsing");
		return std::nullopt;
	}
	if (number < min || number > max)
	{
		fail(name, "Input should be between " + Poco::NumberFormatter::format(min) + " and "
				+ Poco::NumberFormatter::format(max), "value_error");
		return std::nullopt;
	}
	return number;
}

std::optional<bool> QueryFields::boolean(const std::string& name)
{
	auto value = _request.queryParameter(name);
	if (!value)
		return std::nullopt;
	std::string text = Poco::toLower(Poco::trim(*value));
	if (text == "true" || text == "1" || text == "yes" || text == "on")
		return true;
	if (text == "false" || text == "0" || text == "no" || text == "off")
		return false;
	fail(name, "Input should be a valid boolean, unable to interpret input", "bool_parsing");
	return std::nullopt;
}

std::optional<std::string> QueryFields::oneOf(const std::string& name, const std::vector<std::string>& allowed)
{
	auto value = _request.queryParameter(name);
	if (!value)
		return std::nullopt;
	for (const std::string& candidate : allowed)
	{
		if (*value == candidate)
			return value;
	}
	std::string list;
	for (const std::string& candidate : allowed)
		list += (list.empty() ? "'" : ", '") + candidate + "'";
	fail(name, "Input should be one of " + list, "enum");
	return std::nullopt;
}

Pagination QueryFields::pagination()
{
	Pagination page;
	if (auto limit = integer("limit", 1, 100))
		page.limit = *limit;
	if (auto offset = integer("offset", 0, std::numeric_limits<std::int64_t>::max() / 2))
		page.offset = *offset;
	return page;
}

void QueryFields::check() const
{
	if (!_errors.empty())
		throw ApiError::validation(_errors);
}

void addPaginationHeaders(Response& response, const Request& request, const Pagination& page, std::int64_t total)
{
	response.withHeader("X-Total-Count", std::to_string(total));

	auto link = [&](std::int64_t offset, const char* relation) {
		Poco::URI uri(request.path);
		for (const auto& parameter : request.query)
		{
			if (parameter.first != "limit" && parameter.first != "offset")
				uri.addQueryParameter(parameter.first, parameter.second);
		}
		uri.addQueryParameter("limit", std::to_string(page.limit));
		uri.addQueryParameter("offset", std::to_string(offset));
		return "<" + uri.toString() + ">; rel=\"" + relation + "\"";
	};

	std::string links;
	if (page.offset + page.limit < total)
		links = link(page.offset + page.limit, "next");
	if (page.offset > 0)
	{
		if (!links.empty())
			links += ", ";
		links += link(std::max<std::int64_t>(0, page.offset - page.limit), "prev");
	}
	if (!links.empty())
		response.withHeader("Link", links);
}

Poco::JSON::Object::Ptr orderedObject()
{
	return new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
}

} // namespace gpucloud::http
