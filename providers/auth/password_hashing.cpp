#include "auth/password_hashing.h"

#include "http/api_error.h"
#include "util/random.h"

namespace gpucloud::providers::auth
{

PasswordHashing::PasswordHashing(std::uint64_t opsLimit, std::uint64_t memoryKib, std::size_t workers,
	std::size_t queueLimit)
	: _hasher(opsLimit, memoryKib)
	, _dummyHash(_hasher.hash(util::randomUrlSafe(32)))
	, _executor("password-hashing", workers, queueLimit)
{
}

template <class Task>
auto PasswordHashing::run(Task task)
{
	try
	{
		return _executor.submit(std::move(task)).get();
	}
	catch (const util::ExecutorSaturated&)
	{
		throw http::serviceUnavailable("Too many password checks in progress; retry shortly")
			.withHeader("Retry-After", "1");
	}
}

std::string PasswordHashing::hash(const std::string& password)
{
	return run([this, &password] { return _hasher.hash(password); });
}

bool PasswordHashing::verify(const std::string& encodedHash, const std::string& password)
{
	return run([this, &encodedHash, &password] { return _hasher.verify(encodedHash, password); });
}

void PasswordHashing::verifyDummy(const std::string& password)
{
	run([this, &password] { return _hasher.verify(_dummyHash, password); });
}

} // namespace gpucloud::providers::auth
