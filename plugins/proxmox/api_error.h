#pragma once

#include <chrono>
#include <stdexcept>
#include <string>

#include "gpucloud/sdk/errors.h"

namespace gpucloud::plugins::proxmox
{

/// A failed Proxmox API call or task. The backend facade turns it into sdk::BackendError; the operations inspect it
/// first when a text has a meaning of its own ("does not exist", "already exists").
class ApiError : public std::runtime_error
{
public:
	/// `status` is the HTTP status, 0 for a transport failure, -1 for a failed task or
	/// kTaskDeadline for a task that did not finish in time.
	ApiError(sdk::ErrorKind kind, int status, std::string call, std::string text, bool outcomeUnknown);

	sdk::ErrorKind kind() const noexcept { return _kind; }
	int status() const noexcept { return _status; }
	const std::string& call() const noexcept { return _call; }
	const std::string& text() const noexcept { return _text; }

	/// True when a write may have been applied although no success was seen (596, a timeout after sending).
	bool outcomeUnknown() const noexcept { return _outcomeUnknown; }

	/// True when the text reports a missing VM configuration.
	bool isNotFound() const;

	/// True when the text reports that the new VM id is taken on this node or another one.
	bool isVmidTaken() const;

	/// True when a retry after a pause may succeed: lock and storage-lock timeouts, quorum loss, an unreachable node.
	/// A task that outlived its deadline is not transient: it still runs, and a retry would start a second one.
	bool isTransient() const;

	std::chrono::milliseconds retryAfter() const;

	/// Status of an ApiError raised because a task did not finish before its deadline.
	static constexpr int kTaskDeadline = -2;

private:
	sdk::ErrorKind _kind;
	int _status;
	std::string _call;
	std::string _text;
	bool _outcomeUnknown;
};

/// Maps an HTTP status (or -1 for a task exit status) and the Proxmox error text to an error kind.
sdk::ErrorKind classifyProxmoxError(int status, const std::string& text);

} // namespace gpucloud::plugins::proxmox
