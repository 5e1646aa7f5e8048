#pragma once

#include <string>

#include "gpucloud/sdk/errors.h"

namespace gpucloud::plugins::mock
{

/// Wait suggested to the server with every Unavailable error of the mock.
constexpr std::chrono::milliseconds kRetryAfter{1000};

/// Throws BackendError with `message`, adding the retry hint to Unavailable and Conflict errors.
[[noreturn]] inline void raise(sdk::ErrorKind kind, const std::string& message)
{
	bool transient = kind == sdk::ErrorKind::Unavailable || kind == sdk::ErrorKind::Conflict;
	throw sdk::BackendError(kind, message, transient ? kRetryAfter : std::chrono::milliseconds(0));
}

/// Returns `text` in single quotes, the way messages quote ids and names.
inline std::string quote(const std::string& text)
{
	return "'" + text + "'";
}

} // namespace gpucloud::plugins::mock
