#pragma once

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"

namespace gpucloud::plugins::mock
{

/// Reads typed values from a backend's configuration map and remembers which keys were read, so that every key
/// left over at the end can be reported as unknown. Every error is a BackendError(InvalidRequest) whose message
/// names the full key, `backends.<instance>.<key>`.
class ConfigReader
{
public:
	ConfigReader(std::string instanceName, const sdk::ConfigMap& config);

	bool has(const std::string& key) const;

	/// Returns the keys that start with `prefix`, in sorted order, without marking them as read.
	std::vector<std::string> keysWithPrefix(const std::string& prefix) const;

	std::string getString(const std::string& key, const std::string& fallback);
	std::uint64_t getUnsigned(const std::string& key, std::uint64_t fallback);

	/// Reads a comma-separated list; blank items are dropped and every item is trimmed.
	std::vector<std::string> getList(const std::string& key, const std::vector<std::string>& fallback);

	/// Marks `key` as read and returns its raw value; the key must exist.
	std::string take(const std::string& key);

	/// Throws for the first key that no get or take call has read.
	void rejectUnknownKeys() const;

	/// Returns `backends.<instance>.<key>`.
	std::string fullKey(const std::string& key) const;

	/// Throws BackendError(InvalidRequest) with "Invalid value for <full key>: <reason>".
	[[noreturn]] void fail(const std::string& key, const std::string& reason) const;

private:
	std::string _instanceName;
	const sdk::ConfigMap& _config;
	std::set<std::string> _read;
};

/// Parses a whole decimal number without sign; returns false for anything else or an overflow.
bool parseUnsigned(const std::string& text, std::uint64_t& value);

std::string trim(const std::string& text);

/// Splits on `separator`, trims every item and drops blank ones.
std::vector<std::string> splitList(const std::string& text, char separator);

} // namespace gpucloud::plugins::mock
