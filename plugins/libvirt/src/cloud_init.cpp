#include "cloud_init.h"

#include <stdexcept>
#include <vector>

#include <sodium.h>

namespace gpucloud::plugins::libvirt
{

std::string cloudInitToken(const std::string& secret, const std::string& vmId)
{
	if (sodium_init() < 0)
		throw std::runtime_error("libsodium cannot be initialised");

	crypto_auth_hmacsha256_state state;
	unsigned char mac[crypto_auth_hmacsha256_BYTES];
	crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
	crypto_auth_hmacsha256_update(&state, reinterpret_cast<const unsigned char*>(vmId.data()), vmId.size());
	crypto_auth_hmacsha256_final(&state, mac);

	std::vector<char> hex(sizeof mac * 2 + 1);
	sodium_bin2hex(hex.data(), hex.size(), mac, sizeof mac);
	sodium_memzero(&state, sizeof state);
	return std::string(hex.data());
}

std::string noCloudSerial(const std::string& baseUrl, const std::string& secret, const std::string& vmId)
{
	return "ds=nocloud;s=" + baseUrl + vmId + "/" + cloudInitToken(secret, vmId) + "/";
}

} // namespace gpucloud::plugins::libvirt
