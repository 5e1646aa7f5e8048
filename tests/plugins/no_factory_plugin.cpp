// A plugin with the right ABI version that exports no factory.
#include "gpucloud/sdk/hypervisor_backend.h"

extern "C" GPUCLOUD_SDK_API const std::uint32_t gpucloud_plugin_abi_version = gpucloud::sdk::kAbiVersion;
