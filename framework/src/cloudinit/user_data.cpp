#include "cloudinit/user_data.h"

#include <crypt.h>

#include <cstring>
#include <stdexcept>

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include "util/random.h"

namespace gpucloud::cloudinit
{

namespace
{

/// Poco's HMACEngine takes the block and digest sizes from its hash engine type.
class Sha256Engine : public Poco::SHA2Engine
{
public:
	enum
	{
		BLOCK_SIZE = 64,
		DIGEST_SIZE = 32
	};

	Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

} // namespace

std::string yamlQuote(const std::string& text)
{
	std::string quoted = "\"";
	for (char character : text)
	{
		switch (character)
		{
		case '"': quoted += "\\\""; break;
		case '\\': quoted += "\\\\"; break;
		case '\n': quoted += "\\n"; break;
		case '\r': quoted += "\\r"; break;
		case '\t': quoted += "\\t"; break;
		default: quoted.push_back(character);
		}
	}
	return quoted + "\"";
}

std::string sha512Crypt(const std::string& password)
{
	std::string salt = "$6$";
	for (char character : util::randomUrlSafe(16))
		salt.push_back(character == '-' || character == '_' ? '.' : character);

	crypt_data data;
	std::memset(&data, 0, sizeof(data));
	const char* hash = crypt_r(password.c_str(), salt.c_str(), &data);
	if (hash == nullptr || hash[0] == '*')
		throw std::runtime_error("crypt_r failed to hash a password with SHA-512");
	std::string result(hash);
	std::memset(&data, 0, sizeof(data));
	return result;
}

std::string seedToken(const std::string& secret, const std::string& vmId)
{
	Poco::HMACEngine<Sha256Engine> hmac(secret);
	hmac.update(vmId);
	return Poco::DigestEngine::digestToHex(hmac.digest());
}

std::string buildMetaData(const std::string& vmId, const std::string& hostname)
{
	return "instance-id: " + yamlQuote(vmId) + "\nlocal-hostname: " + yamlQuote(hostname) + "\n";
}

std::string buildUserData(const SeedInput& seed)
{
	std::string data = "#cloud-config\n";
	data += "hostname: " + yamlQuote(seed.hostname) + "\n";
	data += "users:\n";
	data += "  - name: " + yamlQuote(seed.user) + "\n";
	data += "    groups: [sudo]\n";
	data += "    shell: /bin/bash\n";
	data += "    sudo: \"ALL=(ALL) NOPASSWD:ALL\"\n";
	if (!seed.password.empty())
	{
		data += "    lock_passwd: false\n";
		data += "    passwd: " + yamlQuote(sha512Crypt(seed.password)) + "\n";
	}
	if (!seed.sshPublicKeys.empty())
	{
		data += "    ssh_authorized_keys:\n";
		for (const std::string& key : seed.sshPublicKeys)
			data += "      - " + yamlQuote(key) + "\n";
	}
	data += std::string("ssh_pwauth: ") + (seed.password.empty() ? "false" : "true") + "\n";
	return data;
}

} // namespace gpucloud::cloudinit
