#include "libvirt_backend.h"

GPUCLOUD_DEFINE_PLUGIN(gpucloud::plugins::libvirt::createBackend)
