#include "ratelimit/memory_rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace gpucloud::providers
{

MemoryRateLimiter::MemoryRateLimiter(const RateLimitSettings& settings, Clock clock)
	: _settings(settings), _clock(clock ? std::move(clock) : Clock([] { return std::chrono::steady_clock::now(); }))
{
}

std::uint32_t MemoryRateLimiter::limitOf(ratelimit::RateClass rateClass) const
{
	switch (rateClass)
	{
	case ratelimit::RateClass::Login: return _settings.loginPerMinute;
	case ratelimit::RateClass::LoginAccount: return _settings.loginAccountPerMinute;
	case ratelimit::RateClass::Auth: return _settings.authPerMinute;
	case ratelimit::RateClass::Read: return _settings.readPerMinute;
	case ratelimit::RateClass::Vm: return _settings.vmPerMinute;
	case ratelimit::RateClass::Default:
	case ratelimit::RateClass::None: break;
	}
	return 0;
}

ratelimit::RateDecision MemoryRateLimiter::consume(ratelimit::RateClass rateClass, const std::string& key)
{
	ratelimit::RateDecision decision;
	std::uint32_t limit = limitOf(rateClass);
	decision.limit = limit;
	if (!_settings.enabled || limit == 0)
	{
		decision.remaining = limit;
		return decision;
	}

	const double refillPerSecond = limit / 60.0;
	std::string bucketKey = std::string(ratelimit::rateClassName(rateClass)) + '|' + key;
	Shard& shard = _shards[std::hash<std::string>{}(bucketKey) % kShardCount];
	auto now = _clock();

	std::lock_guard<std::mutex> lock(shard.mutex);
	auto [it, inserted] = shard.buckets.try_emplace(bucketKey, Bucket{static_cast<double>(limit), now});
	Bucket& bucket = it->second;
	if (!inserted)
	{
		double elapsed = std::chrono::duration<double>(now - bucket.updated).count();
		bucket.tokens = std::min<double>(limit, bucket.tokens + std::max(0.0, elapsed) * refillPerSecond);
		bucket.updated = now;
	}

	if (bucket.tokens >= 1.0)
	{
		bucket.tokens -= 1.0;
		decision.allowed = true;
	}
	else
	{
		decision.allowed = false;
		decision.retryAfter = std::chrono::seconds(static_cast<long>(std::ceil((1.0 - bucket.tokens) / refillPerSecond)));
	}
	decision.remaining = static_cast<std::uint32_t>(std::floor(bucket.tokens));
	decision.reset = std::chrono::seconds(static_cast<long>(std::ceil((limit - bucket.tokens) / refillPerSecond)));

	if (shard.buckets.size() > shard.sweepThreshold)
		sweep(shard, now);
	return decision;
}

void MemoryRateLimiter::sweep(Shard& shard, std::chrono::steady_clock::time_point now)
{
	for (auto it = shard.buckets.begin(); it != shard.buckets.end();)
	{
		// A bucket idle for more than a minute is full again, the same as a bucket that was never created.
		if (now - it->second.updated > std::chrono::minutes(1))
			it = shard.buckets.erase(it);
		else
			++it;
	}
	shard.sweepThreshold = std::max<std::size_t>(1024, shard.buckets.size() * 2);
}

} // namespace gpucloud::providers
