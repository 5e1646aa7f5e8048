// A plugin that claims an ABI version this server does not speak. Its factory works, so only the version check
// can stop it.
#include "gpucloud/sdk/hypervisor_backend.h"

extern "C" GPUCLOUD_SDK_API const std::uint32_t gpucloud_plugin_abi_version = gpucloud::sdk::kAbiVersion + 1;

extern "C" GPUCLOUD_SDK_API gpucloud::sdk::HypervisorBackend* gpucloud_create_backend(
	const gpucloud::sdk::BackendContext&)
{
	throw gpucloud::sdk::BackendError(gpucloud::sdk::ErrorKind::Fatal, "the factory of a wrong-ABI plugin ran");
}
