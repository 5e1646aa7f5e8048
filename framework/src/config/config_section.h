#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <Poco/Util/AbstractConfiguration.h>

#include "config/config_error.h"

namespace gpucloud::config
{

/// Typed reader of one configuration section, such as `server` or `auth`. Every getter records the key as known;
/// finish() then raises ConfigError for any key of the section that no getter read, so that a misspelt key stops
/// start-up instead of being ignored. Errors name the full key (`server.port`).
class ConfigSection
{
public:
	ConfigSection(const Poco::Util::AbstractConfiguration& configuration, std::string section);

	std::string getString(const std::string& key, const std::string& defaultValue);
	std::string requireString(const std::string& key);
	std::int64_t getInt(const std::string& key, std::int64_t defaultValue, std::int64_t min, std::int64_t max);
	double getDouble(const std::string& key, double defaultValue, double min, double max);
	bool getBool(const std::string& key, bool defaultValue);
	std::chrono::seconds getSeconds(const std::string& key, std::chrono::seconds defaultValue,
		std::chrono::seconds min, std::chrono::seconds max);
	std::string getChoice(const std::string& key, const std::string& defaultValue, const std::vector<std::string>& choices);

	/// Reads a comma-separated list; blanks around items are dropped.
	std::vector<std::string> getList(const std::string& key, const std::vector<std::string>& defaultValue);

	bool has(const std::string& key) const;

	/// Returns the names of the direct subsections, such as the `<name>` of `backends.<name>.plugin`.
	std::vector<std::string> subsections() const;

	/// Returns every key below `prefix` (relative to this section, without the prefix) with its value, and marks
	/// them known. For free-form maps such as a plugin's configuration.
	std::map<std::string, std::string> takeSubtree(const std::string& prefix);

	/// Marks every key below `prefix` as known without reading it.
	void acceptSubtree(const std::string& prefix);

	/// Raises ConfigError for keys that no getter read.
	void finish() const;

	const std::string& name() const { return _section; }
	std::string fullKey(const std::string& key) const;

private:
	void collectKeys(const std::string& prefix, std::vector<std::string>& keys) const;

	const Poco::Util::AbstractConfiguration& _configuration;
	std::string _section;
	std::set<std::string> _known;
	std::vector<std::string> _knownPrefixes;
};

/// Splits a comma-separated list and trims each item; empty items are dropped.
std::vector<std::string> splitList(const std::string& text);

} // namespace gpucloud::config
