#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace gpucloud::ratelimit
{

/// Rate-limit classes of the API. Every route belongs to one; the default is Read for GET and None otherwise.
enum class RateClass
{
	Default,  ///< resolved by the router: Read for GET, None for other methods
	None,
	Login,    ///< register, login, verify-2fa, refresh
	LoginAccount,  ///< login and 2FA attempts per account (e-mail address or user), whatever the client address
	Auth,     ///< API-key and 2FA management, logout
	Read,     ///< every GET
	Vm,       ///< every VM write
};

const char* rateClassName(RateClass rateClass);

/// Outcome of one rate-limit check.
struct RateDecision
{
	bool allowed = true;
	std::uint32_t limit = 0;      ///< requests per window
	std::uint32_t remaining = 0;  ///< requests left now
	std::chrono::seconds reset{0};       ///< seconds until the bucket is full again
	std::chrono::seconds retryAfter{0};  ///< seconds until one request is allowed; 0 when allowed
};

/// A store of token buckets. Implementations: in-process for one server, shared for several.
class RateLimiter
{
public:
	virtual ~RateLimiter() = default;

	/// Takes one token from the bucket of `rateClass` for `key` (a user id or a client address) and returns the
	/// decision. Thread-safe. Throws nothing for an unknown key: it gets a full bucket.
	virtual RateDecision consume(RateClass rateClass, const std::string& key) = 0;
};

} // namespace gpucloud::ratelimit
