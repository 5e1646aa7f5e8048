// A library that exports a factory but no ABI version, like a plugin built without GPUCLOUD_DEFINE_PLUGIN.
#include "gpucloud/sdk/hypervisor_backend.h"

extern "C" GPUCLOUD_SDK_API gpucloud::sdk::HypervisorBackend* gpucloud_create_backend(
	const gpucloud::sdk::BackendContext&)
{
	throw gpucloud::sdk::BackendError(gpucloud::sdk::ErrorKind::Fatal, "the factory of a plugin without ABI version ran");
}
