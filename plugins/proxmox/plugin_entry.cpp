#include "gpucloud/sdk/hypervisor_backend.h"
#include "proxmox_backend.h"

GPUCLOUD_DEFINE_PLUGIN(gpucloud::plugins::proxmox::createBackend)
