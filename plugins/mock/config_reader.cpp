#include "config_reader.h"

#include <charconv>

#include "gpucloud/sdk/errors.h"

namespace gpucloud::plugins::mock
{

ConfigReader::ConfigReader(std::string instanceName, const sdk::ConfigMap& config)
	: _instanceName(std::move(instanceName)), _config(config)
{
	// The loader's own key: it names the library and means nothing to the backend.
	_read.insert("plugin");
}

bool ConfigReader::has(const std::string& key) const
{
	return _config.count(key) != 0;
}

std::vector<std::string> ConfigReader::keysWithPrefix(const std::string& prefix) const
{
	std::vector<std::string> keys;
	for (auto it = _config.lower_bound(prefix); it != _config.end() && it->first.compare(0, prefix.size(), prefix) == 0;
		 ++it)
	{
		keys.push_back(it->first);
	}
	return keys;
}

std::string ConfigReader::getString(const std::string& key, const std::string& fallback)
{
	return has(key) ? take(key) : fallback;
}

std::uint64_t ConfigReader::getUnsigned(const std::string& key, std::uint64_t fallback)
{
	if (!has(key))
		return fallback;
	std::string text = take(key);
	std::uint64_t value = 0;
	if (!parseUnsigned(text, value))
		fail(key, "'" + text + "' is not a whole number");
	return value;
}

std::vector<std::string> ConfigReader::getList(const std::string& key, const std::vector<std::string>& fallback)
{
	return has(key) ? splitList(take(key), ',') : fallback;
}

std::string ConfigReader::take(const std::string& key)
{
	_read.insert(key);
	return trim(_config.at(key));
}

void ConfigReader::rejectUnknownKeys() const
{
	for (const auto& entry : _config)
	{
		if (_read.count(entry.first) == 0)
		{
			throw sdk::BackendError(sdk::ErrorKind::InvalidRequest,
				"Unknown configuration key " + fullKey(entry.first) + "; see docs/plugins/mock.md for the valid keys");
		}
	}
}

std::string ConfigReader::fullKey(const std::string& key) const
{
	return "backends." + _instanceName + "." + key;
}

void ConfigReader::fail(const std::string& key, const std::string& reason) const
{
	throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "Invalid value for " + fullKey(key) + ": " + reason);
}

bool parseUnsigned(const std::string& text, std::uint64_t& value)
{
	if (text.empty())
		return false;
	const char* end = text.data() + text.size();
	auto result = std::from_chars(text.data(), end, value);
	return result.ec == std::errc() && result.ptr == end;
}

std::string trim(const std::string& text)
{
	const char* blanks = " \t\r\n";
	std::size_t first = text.find_first_not_of(blanks);
	if (first == std::string::npos)
		return "";
	std::size_t last = text.find_last_not_of(blanks);
	return text.substr(first, last - first + 1);
}

std::vector<std::string> splitList(const std::string& text, char separator)
{
	std::vector<std::string> items;
	std::size_t start = 0;
	while (start <= text.size())
	{
		std::size_t end = text.find(separator, start);
		if (end == std::string::npos)
			end = text.size();
		std::string item = trim(text.substr(start, end - start));
		if (!item.empty())
			items.push_back(item);
		start = end + 1;
	}
	return items;
}

} // namespace gpucloud::plugins::mock
