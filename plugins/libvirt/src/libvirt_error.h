#pragma once

#include <string>

#include "gpucloud/sdk/errors.h"

namespace gpucloud::plugins::libvirt
{

/// The last libvirt error of the calling thread, copied out of libvirt's thread-local storage.
struct LibvirtFailure
{
	int code = 0;    ///< virErrorNumber, 0 when libvirt recorded no error
	int domain = 0;  ///< virErrorDomain
	std::string message;
};

/// Returns the calling thread's last libvirt error. libvirt keeps it per thread, so this is safe with threads,
/// unlike virConnGetLastError().
LibvirtFailure lastFailure();

/// Maps a libvirt error code to the SDK error kind: no such object -> NotFound, operation invalid or busy ->
/// Conflict, connection and RPC failures -> Unavailable, no support -> NotSupported, bad XML or arguments ->
/// InvalidRequest, anything else -> Fatal.
sdk::ErrorKind classifyFailure(const LibvirtFailure& failure);

/// Returns true when the failure means the connection itself is gone, so that it must be reopened.
bool isConnectionLost(const LibvirtFailure& failure);

/// Builds the BackendError for a failed libvirt call. `context` names the node and the object, such as
/// "node 'gpu01', VM '42'"; the message reads "<call> failed on <context>: <libvirt message>".
sdk::BackendError toBackendError(const LibvirtFailure& failure, const std::string& call, const std::string& context);

/// Installs a process-wide libvirt error handler that prints nothing. libvirt writes every error to stderr by
/// default; this plugin reports them as BackendError instead. Safe to call many times from any thread.
void silenceDefaultErrorOutput();

} // namespace gpucloud::plugins::libvirt
