#pragma once

#include <cstdint>
#include <string>

#include "backend_settings.h"
#include "libvirt_handles.h"
#include "node.h"

namespace gpucloud::plugins::libvirt
{

/// Disk volumes in a node's storage pool: VM disks are clones of a template's base volume in the same pool.
class VolumeStore
{
public:
	explicit VolumeStore(const BackendSettings& settings);

	/// Returns the volume name of a domain's system disk: `<domain name>.qcow2`, or `.img` for raw disks.
	std::string diskVolumeName(const std::string& domainName) const;

	/// Returns the node's configured pool. Throws NotFound when the pool does not exist on the node.
	PoolHandle openPool(const NodeSession& session) const;

	/// Returns the named volume of `pool`, or an empty handle when it does not exist.
	VolumeHandle find(const NodeSession& session, virStoragePoolPtr pool, const std::string& name) const;

	/// Clones `baseName` into a new volume `name` of `capacityBytes` in the same pool. Throws NotFound when the
	/// base volume is missing, InvalidRequest when it is larger than `capacityBytes`, CapacityExhausted when the
	/// pool has no room left.
	VolumeHandle clone(const NodeSession& session, virStoragePoolPtr pool, const std::string& baseName,
		const std::string& name, std::uint64_t capacityBytes) const;

	/// Deletes the volume `name` when it exists; a missing volume is not an error.
	void remove(const NodeSession& session, virStoragePoolPtr pool, const std::string& name) const;

	/// Grows `volume` to `capacityBytes`. Throws InvalidRequest when that is below its current capacity, and
	/// NotSupported when the node's storage driver cannot resize volumes.
	void grow(const NodeSession& session, virStorageVolPtr volume, std::uint64_t capacityBytes) const;

	/// Returns the capacity of `volume` in bytes.
	std::uint64_t capacity(const NodeSession& session, virStorageVolPtr volume) const;

private:
	const BackendSettings& _settings;
};

} // namespace gpucloud::plugins::libvirt
