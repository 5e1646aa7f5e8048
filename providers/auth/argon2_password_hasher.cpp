#include "auth/argon2_password_hasher.h"

#include <stdexcept>

#include <sodium.h>

namespace gpucloud::providers::auth
{

Argon2PasswordHasher::Argon2PasswordHasher(std::uint64_t opsLimit, std::uint64_t memoryKib)
	: _opsLimit(opsLimit), _memoryBytes(static_cast<std::size_t>(memoryKib) * 1024)
{
	if (sodium_init() < 0)
		throw std::runtime_error("libsodium initialisation failed");
	if (_opsLimit < crypto_pwhash_argon2id_OPSLIMIT_MIN || _memoryBytes < crypto_pwhash_argon2id_MEMLIMIT_MIN)
		throw std::invalid_argument("Argon2id parameters are below libsodium's minimum");
}

std::string Argon2PasswordHasher::hash(const std::string& password) const
{
	char encoded[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str_alg(encoded, password.data(), password.size(), _opsLimit, _memoryBytes,
			crypto_pwhash_ALG_ARGON2ID13) != 0)
	{
		throw std::runtime_error("Argon2id hashing failed (out of memory?)");
	}
	return encoded;
}

bool Argon2PasswordHasher::verify(const std::string& encodedHash, const std::string& password) const
{
	return crypto_pwhash_str_verify(encodedHash.c_str(), password.data(), password.size()) == 0;
}

bool Argon2PasswordHasher::needsRehash(const std::string& encodedHash) const
{
	return crypto_pwhash_str_needs_rehash(encodedHash.c_str(), _opsLimit, _memoryBytes) != 0;
}

} // namespace gpucloud::providers::auth
