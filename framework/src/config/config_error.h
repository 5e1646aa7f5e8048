#pragma once

#include <stdexcept>

namespace gpucloud::config
{

/// Invalid configuration: the message names the full key and states what is expected. The server stops at start-up.
class ConfigError : public std::runtime_error
{
public:
	using std::runtime_error::runtime_error;
};

} // namespace gpucloud::config
