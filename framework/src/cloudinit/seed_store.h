#pragma once

#include <string>
#include <vector>

#include <Poco/Data/Session.h>

namespace gpucloud::cloudinit
{

/// Login data of a new VM that its guest reads at first boot.
struct SeedInput
{
	std::string vmId;
	std::string hostname;
	std::string user = "ubuntu";
	std::vector<std::string> sshPublicKeys;
	std::string password;  ///< plain text; hashed before it is stored, never logged
};

/// The cloud-init seeds that GET /cloud-init/{vm_id}/{token}/... serves to guests whose backend points them at this
/// server (the NoCloud network data source, used by the libvirt plugin through the SMBIOS serial).
class SeedStore
{
public:
	virtual ~SeedStore() = default;

	/// Stores the seed of a new VM inside the caller's transaction. The password is stored only as a SHA-512 crypt
	/// hash inside the user-data.
	virtual void save(Poco::Data::Session& session, const SeedInput& seed) = 0;
};

} // namespace gpucloud::cloudinit
