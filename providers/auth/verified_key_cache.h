#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "auth/principal.h"

namespace gpucloud::providers::auth
{

/// API keys verified recently, by key hash, so that a burst of requests with one key reads the database once per
/// `ttl`. Revoking a key or suspending a user on this server erases the entries at once; another server that
/// shares the database notices within `ttl`. Also throttles `last_used_at` writes to one per key per minute.
/// Thread-safe.
class VerifiedKeyCache
{
public:
	struct Entry
	{
		gpucloud::auth::Principal principal;
		std::optional<std::int64_t> expiresAt;  ///< the key's own expiry, checked on every hit
		std::chrono::steady_clock::time_point cachedAt;
	};

	explicit VerifiedKeyCache(std::chrono::seconds ttl) : _ttl(ttl) {}

	std::optional<Entry> find(const std::string& keyHash, std::chrono::steady_clock::time_point now);
	void store(const std::string& keyHash, Entry entry);
	void eraseKey(const std::string& keyId);
	void eraseUser(std::int64_t userId);

	/// Returns true when `last_used_at` of `keyId` should be written now, and records that it was.
	bool claimUsageWrite(const std::string& keyId, std::int64_t unixNow);

private:
	std::chrono::seconds _ttl;
	std::mutex _mutex;
	std::unordered_map<std::string, Entry> _entries;
	std::unordered_map<std::string, std::int64_t> _lastUsageWrite;
};

} // namespace gpucloud::providers::auth
