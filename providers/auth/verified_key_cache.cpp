#include "auth/verified_key_cache.h"

namespace gpucloud::providers::auth
{

namespace
{

/// `last_used_at` is written at most once per key in this many seconds.
constexpr std::int64_t kUsageWriteInterval = 60;

/// Past this many entries the expired ones are dropped, so that memory follows the number of keys in use.
constexpr std::size_t kSweepThreshold = 4096;

} // namespace

std::optional<VerifiedKeyCache::Entry> VerifiedKeyCache::find(const std::string& keyHash,
	std::chrono::steady_clock::time_point now)
{
	if (_ttl.count() == 0)
		return std::nullopt;
	std::lock_guard<std::mutex> lock(_mutex);
	auto it = _entries.find(keyHash);
	if (it == _entries.end())
		return std::nullopt;
	if (now - it->second.cachedAt >= _ttl)
	{
		_entries.erase(it);
		return std::nullopt;
	}
	return it->second;
}

void VerifiedKeyCache::store(const std::string& keyHash, Entry entry)
{
	if (_ttl.count() == 0)
		return;
	std::lock_guard<std::mutex> lock(_mutex);
	if (_entries.size() >= kSweepThreshold)
	{
		for (auto it = _entries.begin(); it != _entries.end();)
			it = entry.cachedAt - it->second.cachedAt >= _ttl ? _entries.erase(it) : std::next(it);
	}
	_entries[keyHash] = std::move(entry);
}

void VerifiedKeyCache::eraseKey(const std::string& keyId)
{
	std::lock_guard<std::mutex> lock(_mutex);
	for (auto it = _entries.begin(); it != _entries.end();)
		it = it->second.principal.apiKeyId == keyId ? _entries.erase(it) : std::next(it);
	_lastUsageWrite.erase(keyId);
}

void VerifiedKeyCache::eraseUser(std::int64_t userId)
{
	std::lock_guard<std::mutex> lock(_mutex);
	for (auto it = _entries.begin(); it != _entries.end();)
		it = it->second.principal.userId == userId ? _entries.erase(it) : std::next(it);
}

bool VerifiedKeyCache::claimUsageWrite(const std::string& keyId, std::int64_t unixNow)
{
	std::lock_guard<std::mutex> lock(_mutex);
	auto [it, inserted] = _lastUsageWrite.try_emplace(keyId, unixNow);
	if (inserted)
		return true;
	if (unixNow - it->second < kUsageWriteInterval)
		return false;
	it->second = unixNow;
	return true;
}

} // namespace gpucloud::providers::auth
