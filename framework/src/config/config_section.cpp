#include "config/config_section.h"

#include <Poco/NumberParser.h>
#include <Poco/String.h>

namespace gpucloud::config
{

ConfigSection::ConfigSection(const Poco::Util::AbstractConfiguration& configuration, std::string section)
	: _configuration(configuration), _section(std::move(section))
{
}

std::string ConfigSection::fullKey(const std::string& key) const
{
	return _section.empty() ? key : _section + "." + key;
}

bool ConfigSection::has(const std::string& key) const
{
	return _configuration.hasProperty(fullKey(key));
}

std::string ConfigSection::getString(const std::string& key, const std::string& defaultValue)
{
	_known.insert(key);
	return has(key) ? Poco::trim(_configuration.getRawString(fullKey(key))) : defaultValue;
}

std::string ConfigSection::requireString(const std::string& key)
{
	_known.insert(key);
	std::string value = has(key) ? Poco::trim(_configuration.getRawString(fullKey(key))) : std::string();
	if (value.empty())
		throw ConfigError("Configuration key '" + fullKey(key) + "' is required");
	return value;
}

std::int64_t ConfigSection::getInt(const std::string& key, std::int64_t defaultValue, std::int64_t min, std::int64_t max)
{
	_known.insert(key);
	if (!has(key))
		return defaultValue;
	std::string text = Poco::trim(_configuration.getRawString(fullKey(key)));
	Poco::Int64 value = 0;
	if (!Poco::NumberParser::tryParse64(text, value))
		throw ConfigError("Configuration key '" + fullKey(key) + "' must be an integer, not '" + text + "'");
	if (value < min || value > max)
	{
		throw ConfigError("Configuration key '" + fullKey(key) + "' must be between " + std::to_string(min) + " and "
			+ std::to_string(max) + ", not " + text);
	}
	return value;
}

double ConfigSection::getDouble(const std::string& key, double defaultValue, double min, double max)
{
	_known.insert(key);
	if (!has(key))
		return defaultValue;
	std::string text = Poco::trim(_configuration.getRawString(fullKey(key)));
	double value = 0;
	if (!Poco::NumberParser::tryParseFloat(text, value))
		throw ConfigError("Configuration key '" + fullKey(key) + "' must be a number, not '" + text + "'");
	if (value < min || value > max)
	{
		throw ConfigError("Configuration key '" + fullKey(key) + "' must be between " + std::to_string(min) + " and "
			+ std::to_string(max) + ", not " + text);
	}
	return value;
}

bool ConfigSection::getBool(const std::string& key, bool defaultValue)
{
	_known.insert(key);
	if (!has(key))
		return defaultValue;
	std::string text = Poco::toLower(Poco::trim(_configuration.getRawString(fullKey(key))));
	if (text == "true" || text == "yes" || text == "on" || text == "1")
		return true;
	if (text == "false" || text == "no" || text == "off" || text == "0")
		return false;
	throw ConfigError("Configuration key '" + fullKey(key) + "' must be true or false, not '" + text + "'");
}

std::chrono::seconds ConfigSection::getSeconds(const std::string& key, std::chrono::seconds defaultValue,
	std::chrono::seconds min, std::chrono::seconds max)
{
	return std::chrono::seconds(getInt(key, defaultValue.count(), min.count(), max.count()));
}

std::string ConfigSection::getChoice(const std::string& key, const std::string& defaultValue,
	const std::vector<std::string>& choices)
{
	std::string value = getString(key, defaultValue);
	for (const std::string& choice : choices)
	{
		if (value == choice)
			return value;
	}
	std::string list;
	for (const std::string& choice : choices)
		list += (list.empty() ? "" : ", ") + choice;
	throw ConfigError("Configuration key '" + fullKey(key) + "' must be one of " + list + ", not '" + value + "'");
}

std::vector<std::string> splitList(const std::string& text)
{
	std::vector<std::string> items;
	std::size_t start = 0;
	while (start <= text.size())
	{
		std::size_t end = text.find(',', start);
		if (end == std::string::npos)
			end = text.size();
		std::string item = Poco::trim(text.substr(start, end - start));
		if (!item.empty())
			items.push_back(item);
		start = end + 1;
	}
	return items;
}

std::vector<std::string> ConfigSection::getList(const std::string& key, const std::vector<std::string>& defaultValue)
{
	_known.insert(key);
	if (!has(key))
		return defaultValue;
	return splitList(_configuration.getRawString(fullKey(key)));
}

void ConfigSection::collectKeys(const std::string& prefix, std::vector<std::string>& keys) const
{
	Poco::Util::AbstractConfiguration::Keys children;
	_configuration.keys(prefix.empty() ? _section : fullKey(prefix), children);
	for (const std::string& child : children)
	{
		std::string key = prefix.empty() ? child : prefix + "." + child;
		if (_configuration.hasProperty(fullKey(key)))
			keys.push_back(key);
		collectKeys(key, keys);
	}
}

std::vector<std::string> ConfigSection::subsections() const
{
	Poco::Util::AbstractConfiguration::Keys children;
	_configuration.keys(_section, children);
	std::vector<std::string> names;
	for (const std::string& child : children)
	{
		Poco::Util::AbstractConfiguration::Keys grandchildren;
		_configuration.keys(fullKey(child), grandchildren);
		if (!grandchildren.empty())
			names.push_back(child);
	}
	return names;
}

std::map<std::string, std::string> ConfigSection::takeSubtree(const std::string& prefix)
{
	acceptSubtree(prefix);
	std::vector<std::string> keys;
	collectKeys(prefix, keys);
	std::map<std::string, std::string> values;
	for (const std::string& key : keys)
		values[key.substr(prefix.size() + 1)] = Poco::trim(_configuration.getRawString(fullKey(key)));
	return values;
}

void ConfigSection::acceptSubtree(const std::string& prefix)
{
	_knownPrefixes.push_back(prefix.empty() ? std::string() : prefix + ".");
}

void ConfigSection::finish() const
{
	std::vector<std::string> keys;
	collectKeys("", keys);
	for (const std::string& key : keys)
	{
		if (_known.count(key) != 0)
			continue;
		bool underKnownPrefix = false;
		for (const std::string& prefix : _knownPrefixes)
			underKnownPrefix = underKnownPrefix || key.compare(0, prefix.size(), prefix) == 0;
		if (!underKnownPrefix)
			throw ConfigError("Unknown configuration key '" + fullKey(key) + "'");
	}
}

} // namespace gpucloud::config
