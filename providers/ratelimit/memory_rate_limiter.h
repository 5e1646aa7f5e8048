#pragma once

#include <array>
#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <unordered_map>

#include "ratelimit/rate_limiter.h"

namespace gpucloud::providers
{

/// Requests allowed per minute for each rate-limit class.
struct RateLimitSettings
{
	std::uint32_t loginPerMinute = 5;
	std::uint32_t loginAccountPerMinute = 5;
	std::uint32_t authPerMinute = 10;
	std::uint32_t readPerMinute = 300;
	std::uint32_t vmPerMinute = 60;
	bool enabled = true;
};

/// Token buckets in this process's memory: each (class, key) bucket holds up to the class's per-minute limit and
/// refills continuously at limit/60 tokens per second. Buckets are spread over independently locked shards so that
/// concurrent requests of different users do not wait for each other. Buckets that have refilled completely are
/// dropped when a shard grows, so memory follows the number of recently active keys.
class MemoryRateLimiter : public ratelimit::RateLimiter
{
public:
	using Clock = std::function<std::chrono::steady_clock::time_point()>;

	explicit MemoryRateLimiter(const RateLimitSettings& settings, Clock clock = nullptr);

	ratelimit::RateDecision consume(ratelimit::RateClass rateClass, const std::string& key) override;

private:
	struct Bucket
	{
		double tokens = 0;
		std::chrono::steady_clock::time_point updated;
	};

	struct Shard
	{
		std::mutex mutex;
		std::unordered_map<std::string, Bucket> buckets;
		std::size_t sweepThreshold = 1024;
	};

	std::uint32_t limitOf(ratelimit::RateClass rateClass) const;
	void sweep(Shard& shard, std::chrono::steady_clock::time_point now);

	static constexpr std::size_t kShardCount = 64;

	RateLimitSettings _settings;
	Clock _clock;
	std::array<Shard, kShardCount> _shards;
};

} // namespace gpucloud::providers
