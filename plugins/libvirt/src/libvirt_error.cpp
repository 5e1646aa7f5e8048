#include "libvirt_error.h"

#include <mutex>

#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>

namespace gpucloud::plugins::libvirt
{

namespace
{

void discardError(void*, virErrorPtr)
{
}

} // namespace

LibvirtFailure lastFailure()
{
	LibvirtFailure failure;
	virErrorPtr error = virGetLastError();
	if (error == nullptr)
	{
		failure.message = "libvirt reported no error detail";
		return failure;
	}
	failure.code = error->code;
	failure.domain = error->domain;
	failure.message = error->message != nullptr ? error->message : "libvirt reported no error message";
	return failure;
}

sdk::ErrorKind classifyFailure(const LibvirtFailure& failure)
{
	switch (failure.code)
	{
	case VIR_ERR_NO_DOMAIN:
	case VIR_ERR_NO_STORAGE_POOL:
	case VIR_ERR_NO_STORAGE_VOL:
	case VIR_ERR_NO_NETWORK:
	case VIR_ERR_NO_NODE_DEVICE:
	case VIR_ERR_NO_DOMAIN_METADATA:
		return sdk::ErrorKind::NotFound;
	case VIR_ERR_OPERATION_INVALID:
	case VIR_ERR_RESOURCE_BUSY:
	case VIR_ERR_OPERATION_ABORTED:
	case VIR_ERR_DOM_EXIST:
	case VIR_ERR_STORAGE_VOL_EXIST:
	case VIR_ERR_BLOCK_COPY_ACTIVE:
		return sdk::ErrorKind::Conflict;
	case VIR_ERR_NO_CONNECT:
	case VIR_ERR_INVALID_CONN:
	case VIR_ERR_SYSTEM_ERROR:
	case VIR_ERR_RPC:
	case VIR_ERR_OPERATION_TIMEOUT:
	case VIR_ERR_AGENT_UNRESPONSIVE:
	case VIR_ERR_AGENT_UNSYNCED:
	case VIR_ERR_UNKNOWN_HOST:
	case VIR_ERR_SSH:
	case VIR_ERR_LIBSSH:
	case VIR_ERR_GNUTLS_ERROR:
		return sdk::ErrorKind::Unavailable;
	case VIR_ERR_NO_SUPPORT:
	case VIR_ERR_OPERATION_UNSUPPORTED:
	case VIR_ERR_ARGUMENT_UNSUPPORTED:
		return sdk::ErrorKind::NotSupported;
	case VIR_ERR_INVALID_ARG:
	case VIR_ERR_XML_ERROR:
	case VIR_ERR_XML_DETAIL:
	case VIR_ERR_XML_INVALID_SCHEMA:
	case VIR_ERR_CONFIG_UNSUPPORTED:
	case VIR_ERR_INVALID_MAC:
		return sdk::ErrorKind::InvalidRequest;
	default:
		break;
	}
	if (failure.domain == VIR_FROM_RPC || failure.domain == VIR_FROM_REMOTE)
		return sdk::ErrorKind::Unavailable;
	return sdk::ErrorKind::Fatal;
}

bool isConnectionLost(const LibvirtFailure& failure)
{
	switch (failure.code)
	{
	case VIR_ERR_NO_CONNECT:
	case VIR_ERR_INVALID_CONN:
	case VIR_ERR_SYSTEM_ERROR:
	case VIR_ERR_RPC:
		return true;
	default:
		return failure.domain == VIR_FROM_RPC;
	}
}

sdk::BackendError toBackendError(const LibvirtFailure& failure, const std::string& call, const std::string& context)
{
	return sdk::BackendError(classifyFailure(failure), call + " failed on " + context + ": " + failure.message);
}

void silenceDefaultErrorOutput()
{
	static std::once_flag installed;
	std::call_once(installed, [] { virSetErrorFunc(nullptr, discardError); });
}

} // namespace gpucloud::plugins::libvirt
