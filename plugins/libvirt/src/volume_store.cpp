#include "volume_store.h"

#include <libvirt/virterror.h>

#include "domain_xml.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

constexpr std::uint64_t kGiB = 1024ull * 1024 * 1024;

} // namespace

VolumeStore::VolumeStore(const BackendSettings& settings) : _settings(settings)
{
}

std::string VolumeStore::diskVolumeName(const std::string& domainName) const
{
	return domainName + (_settings.diskFormat == "qcow2" ? ".qcow2" : ".img");
}

PoolHandle VolumeStore::openPool(const NodeSession& session) const
{
	const std::string& name = session.node().settings().pool;
	PoolHandle pool(virStoragePoolLookupByName(session.connection(), name.c_str()));
	if (!pool)
		session.fail("virStoragePoolLookupByName(" + name + ")");
	return pool;
}

VolumeHandle VolumeStore::find(const NodeSession& session, virStoragePoolPtr pool, const std::string& name) const
{
	VolumeHandle volume(virStorageVolLookupByName(pool, name.c_str()));
	if (!volume && session.failure().code != VIR_ERR_NO_STORAGE_VOL)
		session.fail("virStorageVolLookupByName(" + name + ")");
	return volume;
}

std::uint64_t VolumeStore::capacity(const NodeSession& session, virStorageVolPtr volume) const
{
	virStorageVolInfo info;
	if (virStorageVolGetInfo(volume, &info) < 0)
		session.fail("virStorageVolGetInfo");
	return info.capacity;
}

VolumeHandle VolumeStore::clone(const NodeSession& session, virStoragePoolPtr pool, const std::string& baseName,
	const std::string& name, std::uint64_t capacityBytes) const
{
	VolumeHandle base = find(session, pool, baseName);
	if (!base)
	{
		throw sdk::BackendError(sdk::ErrorKind::NotFound, "Base volume '" + baseName + "' is missing in pool '"
				+ session.node().settings().pool + "' on " + session.context());
	}
	std::uint64_t baseCapacity = capacity(session, base.get());
	if (baseCapacity > capacityBytes)
	{
		throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "Disk size " + std::to_string(capacityBytes / kGiB)
				+ " GB is smaller than the template's base volume '" + baseName + "' ("
				+ std::to_string((baseCapacity + kGiB - 1) / kGiB) + " GB) on " + session.context());
	}

	std::string xml = "<volume>\n  <name>" + escapeXml(name) + "</name>\n  <capacity unit='bytes'>"
		+ std::to_string(capacityBytes) + "</capacity>\n  <target>\n    <format type='"
		+ escapeXml(_settings.diskFormat) + "'/>\n  </target>\n</volume>\n";
	VolumeHandle volume(virStorageVolCreateXMLFrom(pool, xml.c_str(), base.get(), 0));
	if (volume)
		return volume;

	LibvirtFailure failure = session.failure();
	virStoragePoolInfo info;
	if (virStoragePoolRefresh(pool, 0) == 0 && virStoragePoolGetInfo(pool, &info) == 0 && info.available < capacityBytes)
	{
		throw sdk::BackendError(sdk::ErrorKind::CapacityExhausted, "Pool '" + session.node().settings().pool
				+ "' has " + std::to_string(info.available / kGiB) + " GB free, too little for a "
				+ std::to_string(capacityBytes / kGiB) + " GB disk on " + session.context() + ": " + failure.message);
	}
	throw toBackendError(failure, "virStorageVolCreateXMLFrom(" + baseName + " -> " + name + ")", session.context());
}

void VolumeStore::remove(const NodeSession& session, virStoragePoolPtr pool, const std::string& name) const
{
	VolumeHandle volume = find(session, pool, name);
	if (!volume)
		return;
	if (virStorageVolDelete(volume.get(), 0) < 0 && session.failure().code != VIR_ERR_NO_STORAGE_VOL)
		session.fail("virStorageVolDelete(" + name + ")");
}

void VolumeStore::grow(const NodeSession& session, virStorageVolPtr volume, std::uint64_t capacityBytes) const
{
	std::uint64_t current = capacity(session, volume);
	if (capacityBytes < current)
	{
		throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "Disk size " + std::to_string(capacityBytes / kGiB)
				+ " GB is below the current size of " + std::to_string(current / kGiB) + " GB on " + session.context()
				+ "; disks can only grow");
	}
	if (capacityBytes == current)
		return;
	if (virStorageVolResize(volume, capacityBytes, 0) < 0)
		session.fail("virStorageVolResize");
}

} // namespace gpucloud::plugins::libvirt
