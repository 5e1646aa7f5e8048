#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>

namespace gpucloud::bench
{

/// Options of a bench tool in the form `--name value`, read once into a map. Every getter marks its option as
/// known; finish() rejects the options that no getter read, so a typo stops the tool instead of being ignored.
class CommandLine
{
public:
	/// Parses argv. Throws std::invalid_argument for an argument that is not `--name value`.
	CommandLine(int argc, char** argv);

	std::string getString(const std::string& name, const std::string& fallback);
	std::string requireString(const std::string& name);
	std::int64_t getInt(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max);

	/// Throws std::invalid_argument naming the first option that no getter read.
	void finish() const;

private:
	std::map<std::string, std::string> _values;
	std::set<std::string> _read;
};

} // namespace gpucloud::bench
