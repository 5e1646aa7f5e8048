#include "json_fields.h"

#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

Poco::JSON::Object::Ptr asObject(const Poco::Dynamic::Var& value)
{
	if (value.type() == typeid(Poco::JSON::Object::Ptr))
		return value.extract<Poco::JSON::Object::Ptr>();
	return new Poco::JSON::Object;
}

Poco::JSON::Array::Ptr asArray(const Poco::Dynamic::Var& value)
{
	if (value.type() == typeid(Poco::JSON::Array::Ptr))
		return value.extract<Poco::JSON::Array::Ptr>();
	return new Poco::JSON::Array;
}

std::string stringField(const Poco::JSON::Object::Ptr& object, const std::string& key, const std::string& fallback)
{
	if (!object || !object->has(key))
		return fallback;
	Poco::Dynamic::Var value = object->get(key);
	if (value.isEmpty())
		return fallback;
	try
	{
		return value.convert<std::string>();
	}
	catch (const Poco::Exception&)
	{
		return fallback;
	}
}

std::int64_t lenientInt(const Poco::Dynamic::Var& value, std::int64_t fallback)
{
	if (value.isEmpty())
		return fallback;
	try
	{
		if (value.isString())
		{
			long long parsed = 0;
			return parseInteger(value.extract<std::string>(), parsed) ? parsed : fallback;
		}
		if (value.isNumeric())
			return static_cast<std::int64_t>(value.convert<double>());
	}
	catch (const Poco::Exception&)
	{
	}
	return fallback;
}

std::int64_t intField(const Poco::JSON::Object::Ptr& object, const std::string& key, std::int64_t fallback)
{
	if (!object || !object->has(key))
		return fallback;
	return lenientInt(object->get(key), fallback);
}

double doubleField(const Poco::JSON::Object::Ptr& object, const std::string& key, double fallback)
{
	if (!object || !object->has(key))
		return fallback;
	try
	{
		Poco::Dynamic::Var value = object->get(key);
		return value.isEmpty() ? fallback : value.convert<double>();
	}
	catch (const Poco::Exception&)
	{
		return fallback;
	}
}

} // namespace gpucloud::plugins::proxmox
