#pragma once

#include <cstdlib>
#include <memory>

#include <libvirt/libvirt.h>

namespace gpucloud::plugins::libvirt
{

/// Owning handles for libvirt objects: each releases its reference with the matching virXxxFree call.
struct DomainFree
{
	void operator()(virDomainPtr domain) const { virDomainFree(domain); }
};
struct VolumeFree
{
	void operator()(virStorageVolPtr volume) const { virStorageVolFree(volume); }
};
struct PoolFree
{
	void operator()(virStoragePoolPtr pool) const { virStoragePoolFree(pool); }
};
struct NodeDeviceFree
{
	void operator()(virNodeDevicePtr device) const { virNodeDeviceFree(device); }
};
struct CStringFree
{
	void operator()(char* text) const { std::free(text); }
};

using DomainHandle = std::unique_ptr<virDomain, DomainFree>;
using VolumeHandle = std::unique_ptr<virStorageVol, VolumeFree>;
using PoolHandle = std::unique_ptr<virStoragePool, PoolFree>;
using NodeDeviceHandle = std::unique_ptr<virNodeDevice, NodeDeviceFree>;
using CString = std::unique_ptr<char, CStringFree>;

/// A counted reference to an open connection. Copies share the reference; the last copy closes it, so a
/// connection that is replaced after a drop stays valid for calls that are still using it.
using ConnectionHandle = std::shared_ptr<virConnect>;

} // namespace gpucloud::plugins::libvirt
