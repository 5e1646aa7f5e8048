#include "config_reader.h"

#include <cerrno>
#include <cstdlib>

#include "gpucloud/sdk/errors.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

std::string trim(const std::string& text)
{
	const char* blanks = " \t\r\n";
	std::size_t first = text.find_first_not_of(blanks);
	if (first == std::string::npos)
		return "";
	std::size_t last = text.find_last_not_of(blanks);
	return text.substr(first, last - first + 1);
}

} // namespace

ConfigReader::ConfigReader(std::string instanceName, const sdk::ConfigMap& config)
	: _instanceName(std::move(instanceName)), _config(config)
{
}

std::string ConfigReader::fullKey(const std::string& key) const
{
	return "backends." + _instanceName + "." + key;
}

void ConfigReader::fail(const std::string& key, const std::string& problem) const
{
	throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "Configuration key '" + fullKey(key) + "' " + problem);
}

std::optional<std::string> ConfigReader::optionalText(const std::string& key)
{
	_read.insert(key);
	auto found = _config.find(key);
	if (found == _config.end())
		return std::nullopt;
	std::string value = trim(found->second);
	if (value.empty())
		return std::nullopt;
	return value;
}

std::string ConfigReader::text(const std::string& key, const std::string& fallback)
{
	return optionalText(key).value_or(fallback);
}

std::string ConfigReader::requiredText(const std::string& key)
{
	auto value = optionalText(key);
	if (!value)
		fail(key, "is missing");
	return *value;
}

std::int64_t ConfigReader::integer(const std::string& key, std::int64_t fallback, std::int64_t minimum,
	std::int64_t maximum)
{
	auto value = optionalText(key);
	if (!value)
		return fallback;

	errno = 0;
	char* end = nullptr;
	long long number = std::strtoll(value->c_str(), &end, 10);
	if (errno != 0 || end == value->c_str() || *end != '\0')
		fail(key, "must be an integer, but is '" + *value + "'");
	if (number < minimum || number > maximum)
	{
		fail(key, "must be between " + std::to_string(minimum) + " and " + std::to_string(maximum) + ", but is "
			+ *value);
	}
	return number;
}

std::vector<std::string> ConfigReader::list(const std::string& key)
{
	std::vector<std::string> items;
	auto value = optionalText(key);
	if (!value)
		return items;

	std::size_t start = 0;
	while (start <= value->size())
	{
		std::size_t comma = value->find(',', start);
		if (comma == std::string::npos)
			comma = value->size();
		std::string item = trim(value->substr(start, comma - start));
		if (item.empty())
			fail(key, "contains an empty item in '" + *value + "'");
		items.push_back(item);
		start = comma + 1;
	}
	return items;
}

std::set<std::string> ConfigReader::groups(const std::string& prefix) const
{
	std::set<std::string> names;
	std::string lead = prefix + ".";
	for (const auto& [key, value] : _config)
	{
		if (key.compare(0, lead.size(), lead) != 0)
			continue;
		std::size_t lastDot = key.rfind('.');
		if (lastDot > lead.size())
			names.insert(key.substr(lead.size(), lastDot - lead.size()));
	}
	return names;
}

void ConfigReader::rejectUnknownKeys() const
{
	for (const auto& [key, value] : _config)
	{
		if (_read.count(key) == 0)
			fail(key, "is not a setting of the libvirt plugin; check its spelling against config/examples/libvirt.ini");
	}
}

} // namespace gpucloud::plugins::libvirt
