#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"

namespace gpucloud::plugins::libvirt
{

/// Reads typed values out of a backend's configuration map and remembers which keys it read, so that a key
/// no call reads (a typo) can be reported. Every error is a BackendError(InvalidRequest) that names the full key
/// `backends.<instance>.<key>`.
class ConfigReader
{
public:
	ConfigReader(std::string instanceName, const sdk::ConfigMap& config);

	/// Returns the value of `key`, or `fallback` when the key is absent.
	std::string text(const std::string& key, const std::string& fallback);

	/// Returns the value of `key`; throws when it is absent or empty.
	std::string requiredText(const std::string& key);

	/// Returns the value of `key` when present and not empty.
	std::optional<std::string> optionalText(const std::string& key);

	/// Returns the integer value of `key`, or `fallback` when absent; throws when it is not an integer in
	/// [minimum, maximum].
	std::int64_t integer(const std::string& key, std::int64_t fallback, std::int64_t minimum, std::int64_t maximum);

	/// Returns the comma-separated items of `key` with surrounding blanks removed; empty when absent.
	std::vector<std::string> list(const std::string& key);

	/// Returns the distinct middle parts of keys of the form `<prefix>.<middle>.<name>`, such as the node names of
	/// `node.gpu01.uri`. The middle part may contain dots; the last dot separates the name.
	std::set<std::string> groups(const std::string& prefix) const;

	/// Throws for the first key that no call has read.
	void rejectUnknownKeys() const;

	/// Returns `backends.<instance>.<key>`, for messages.
	std::string fullKey(const std::string& key) const;

	/// Throws BackendError(InvalidRequest): "Configuration key '<full key>' <problem>".
	[[noreturn]] void fail(const std::string& key, const std::string& problem) const;

private:
	std::string _instanceName;
	const sdk::ConfigMap& _config;
	std::set<std::string> _read;
};

} // namespace gpucloud::plugins::libvirt
