#pragma once

#include <cstdint>
#include <string>

namespace gpucloud::providers::auth
{

/// Argon2id password hashes in libsodium's encoded form ("$argon2id$v=19$m=...,t=...,p=1$salt$hash"), which carries
/// its own random salt and parameters, so that hashes made with older parameters still verify. Each call takes
/// `memoryKib` of memory and about as much CPU time as the parameters ask; run them on a bounded pool. Thread-safe.
class Argon2PasswordHasher
{
public:
	/// Throws std::runtime_error when libsodium cannot be initialised.
	Argon2PasswordHasher(std::uint64_t opsLimit, std::uint64_t memoryKib);

	/// Returns the encoded hash. Throws std::runtime_error when libsodium fails (out of memory).
	std::string hash(const std::string& password) const;

	/// Returns true when `password` matches `encodedHash`; false for a mismatch or a malformed hash.
	bool verify(const std::string& encodedHash, const std::string& password) const;

	/// Returns true when `encodedHash` was made with other parameters than the current ones.
	bool needsRehash(const std::string& encodedHash) const;

private:
	unsigned long long _opsLimit;
	std::size_t _memoryBytes;
};

} // namespace gpucloud::providers::auth
