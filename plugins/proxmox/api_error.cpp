#include "api_error.h"

#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

std::string describe(int status, const std::string& call, const std::string& text)
{
	if (status == -1 || status == ApiError::kTaskDeadline)
		return "Proxmox task " + call + " failed: " + text;
	if (status == 0)
		return "Proxmox call " + call + " failed: " + text;
	return "Proxmox call " + call + " failed with HTTP " + std::to_string(status) + ": " + text;
}

bool anyOf(const std::string& text, std::initializer_list<const char*> parts)
{
	for (const char* part : parts)
	{
		if (contains(text, part))
			return true;
	}
	return false;
}

} // namespace

ApiError::ApiError(sdk::ErrorKind kind, int status, std::string call, std::string text, bool outcomeUnknown)
	: std::runtime_error(describe(status, call, text))
	, _kind(kind)
	, _status(status)
	, _call(std::move(call))
	, _text(std::move(text))
	, _outcomeUnknown(outcomeUnknown)
{
}

bool ApiError::isNotFound() const
{
	return anyOf(_text, {"does not exist", "unable to find configuration file"});
}

bool ApiError::isVmidTaken() const
{
	return anyOf(_text, {"config file already exists", "File exists", "already exists"});
}

bool ApiError::isTransient() const
{
	if (_status == kTaskDeadline)
		return false;
	if (_kind == sdk::ErrorKind::Unavailable)
		return true;
	return _kind == sdk::ErrorKind::Conflict
		&& anyOf(_text, {"lock", "is currently reserved for use", "got timeout", "checksum mismatch"});
}

std::chrono::milliseconds ApiError::retryAfter() const
{
	if (_kind == sdk::ErrorKind::Conflict)
		return std::chrono::seconds(2);
	if (_kind == sdk::ErrorKind::Unavailable)
		return std::chrono::seconds(5);
	return std::chrono::milliseconds(0);
}

sdk::ErrorKind classifyProxmoxError(int status, const std::string& text)
{
	using sdk::ErrorKind;
	if (status == 0 || (status >= 595 && status <= 599))
		return ErrorKind::Unavailable;
	if (status == 401 || status == 403)
		return ErrorKind::Fatal;
	if (anyOf(text, {"does not exist", "unable to find configuration file", "no such VM"}))
		return ErrorKind::NotFound;
	if (anyOf(text, {"could not find a free device", "already in use by VMID", "unable to get any free VMID",
			"not enough space", "No space left", "out of space"}))
		return ErrorKind::CapacityExhausted;
	if (anyOf(text, {"VM is locked", "can't lock file", "is currently reserved for use", "already exists",
			"File exists", "not running", "already running", "checksum mismatch"}))
		return ErrorKind::Conflict;
	if (anyOf(text, {"cfs-lock", "no quorum", "cluster not ready", "got timeout", "timed out"}))
		return ErrorKind::Unavailable;
	if (anyOf(text, {"only root can set", "shrinking disks is not supported", "q35 machine model is not enabled",
			"PCI device mapping not found", "Parameter verification failed", "property is not defined"}))
		return ErrorKind::InvalidRequest;
	if (status == 400)
		return ErrorKind::InvalidRequest;
	return ErrorKind::Fatal;
}

} // namespace gpucloud::plugins::proxmox
