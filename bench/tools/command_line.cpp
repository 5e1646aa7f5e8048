#include "command_line.h"

#include <stdexcept>

#include <Poco/NumberParser.h>

namespace gpucloud::bench
{

CommandLine::CommandLine(int argc, char** argv)
{
	for (int i = 1; i < argc; i += 2)
	{
		std::string name = argv[i];
		if (name.rfind("--", 0) != 0 || name.size() < 3)
			throw std::invalid_argument("Expected an option of the form --name, not '" + name + "'");
		if (i + 1 >= argc)
			throw std::invalid_argument("Option " + name + " needs a value");
		_values[name.substr(2)] = argv[i + 1];
	}
}

std::string CommandLine::getString(const std::string& name, const std::string& fallback)
{
	_read.insert(name);
	auto found = _values.find(name);
	return found == _values.end() ? fallback : found->second;
}

std::string CommandLine::requireString(const std::string& name)
{
	_read.insert(name);
	auto found = _values.find(name);
	if (found == _values.end() || found->second.empty())
		throw std::invalid_argument("Option --" + name + " is required");
	return found->second;
}

std::int64_t CommandLine::getInt(const std::string& name, std::int64_t fallback, std::int64_t min, std::int64_t max)
{
	std::string text = getString(name, "");
	if (text.empty())
		return fallback;
	Poco::Int64 value = 0;
	if (!Poco::NumberParser::tryParse64(text, value) || value < min || value > max)
	{
		throw std::invalid_argument("Option --" + name + " must be a whole number from " + std::to_string(min) + " to "
			+ std::to_string(max) + ", not '" + text + "'");
	}
	return value;
}

void CommandLine::finish() const
{
	for (const auto& option : _values)
	{
		if (_read.count(option.first) == 0)
			throw std::invalid_argument("Unknown option --" + option.first);
	}
}

} // namespace gpucloud::bench
