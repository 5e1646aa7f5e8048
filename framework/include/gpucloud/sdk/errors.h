#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

#include "gpucloud/sdk/visibility.h"

namespace gpucloud::sdk
{

/// Kinds of backend failure. The server maps each kind to a VM state and an HTTP status in one place.
enum class ErrorKind
{
	NotFound,           ///< the VM, node or template does not exist on the backend
	Conflict,           ///< the object is locked or in a state that forbids the call; retry later
	Unavailable,        ///< transient: connection lost, timeout, node offline; retry after retryAfter()
	CapacityExhausted,  ///< no room for the request: GPUs, storage or memory
	InvalidRequest,     ///< the request or the configuration is invalid; retrying cannot help
	NotSupported,       ///< the plugin does not offer this operation
	Fatal,              ///< any other failure of the backend
};

inline const char* errorKindName(ErrorKind kind)
{
	switch (kind)
	{
	case ErrorKind::NotFound: return "not_found";
	case ErrorKind::Conflict: return "conflict";
	case ErrorKind::Unavailable: return "unavailable";
	case ErrorKind::CapacityExhausted: return "capacity_exhausted";
	case ErrorKind::InvalidRequest: return "invalid_request";
	case ErrorKind::NotSupported: return "not_supported";
	case ErrorKind::Fatal: return "fatal";
	}
	return "fatal";
}

/// The only exception type a plugin lets escape. The message is for operators: it names the node, the VM and the
/// backend call that failed, and never contains a secret.
class GPUCLOUD_SDK_API BackendError : public std::runtime_error
{
public:
	BackendError(ErrorKind kind, const std::string& message,
		std::chrono::milliseconds retryAfter = std::chrono::milliseconds(0))
		: std::runtime_error(message), _kind(kind), _retryAfter(retryAfter)
	{
	}

	ErrorKind kind() const noexcept { return _kind; }

	/// Suggested wait before a retry; meaningful for Unavailable and Conflict, zero when the plugin has no hint.
	std::chrono::milliseconds retryAfter() const noexcept { return _retryAfter; }

	/// Returns true for the kinds that a retry may cure.
	bool isTransient() const noexcept { return _kind == ErrorKind::Unavailable || _kind == ErrorKind::Conflict; }

private:
	ErrorKind _kind;
	std::chrono::milliseconds _retryAfter;
};

} // namespace gpucloud::sdk
