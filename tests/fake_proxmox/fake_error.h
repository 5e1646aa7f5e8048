#pragma once

#include <map>
#include <stdexcept>
#include <string>

namespace gpucloud::testing::proxmox
{

/// An error the fake server returns, shaped like Proxmox's: a status, a message (the reason phrase is its first
/// line) and an optional per-parameter map.
class FakeError : public std::runtime_error
{
public:
	FakeError(int status, std::string message, std::map<std::string, std::string> errors = {}, bool emptyBody = false)
		: std::runtime_error(message)
		, status(status)
		, message(std::move(message))
		, errors(std::move(errors))
		, emptyBody(emptyBody)
	{
	}

	int status;
	std::string message;
	std::map<std::string, std::string> errors;
	bool emptyBody;  ///< auth-layer 401s and proxy failures (595/596) have no body at all
};

/// 500 with a plain `die` text, as most qemu-server failures.
inline FakeError dieError(const std::string& text)
{
	return FakeError(500, text);
}

/// 400 "Parameter verification failed." with one parameter error.
inline FakeError paramError(const std::string& param, const std::string& text)
{
	return FakeError(400, "Parameter verification failed.", {{param, text}});
}

/// 403 from a failed privilege check.
inline FakeError permissionError(const std::string& path, const std::string& privilege)
{
	return FakeError(403, "Permission check failed (" + path + ", " + privilege + ")");
}

} // namespace gpucloud::testing::proxmox
