#pragma once

#include <memory>
#include <string>

#include "auth/argon2_password_hasher.h"
#include "util/bounded_executor.h"

namespace gpucloud::providers::auth
{

/// Runs Argon2id on a bounded worker pool, so that a burst of logins takes at most `workers` cores and never
/// more than the queue's worth of memory, while request threads stay free for other requests. When the queue is
/// full the calls throw http::ApiError(503) with Retry-After instead of waiting. Thread-safe.
class PasswordHashing
{
public:
	PasswordHashing(std::uint64_t opsLimit, std::uint64_t memoryKib, std::size_t workers, std::size_t queueLimit);

	std::string hash(const std::string& password);
	bool verify(const std::string& encodedHash, const std::string& password);

	/// Does the work of verify() against a fixed hash and returns false, so that a login for an unknown address
	/// takes as long as one with a wrong password.
	void verifyDummy(const std::string& password);

	bool needsRehash(const std::string& encodedHash) const { return _hasher.needsRehash(encodedHash); }

private:
	template <class Task>
	auto run(Task task);

	Argon2PasswordHasher _hasher;
	std::string _dummyHash;
	util::BoundedExecutor _executor;
};

} // namespace gpucloud::providers::auth
