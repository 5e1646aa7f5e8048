#pragma once

#include <chrono>

namespace gpucloud::vms
{

/// Retry spacing of a job after transient backend errors.
struct BackoffPolicy
{
	std::chrono::seconds base{2};     ///< wait after the first failure
	std::chrono::seconds max{300};    ///< upper bound of one wait
	int maxAttempts = 10;             ///< failed attempts after which the job fails for good
	double jitter = 0.2;              ///< each wait grows by up to this fraction, so that retries spread out
};

/// Returns the wait before the next attempt after `failedAttempts` failures (1 for the first failure):
/// base * 2^(failedAttempts - 1), capped at `max`, stretched by `jitter * random` where `random` is in [0, 1),
/// and never shorter than the backend's own hint (`retryAfter`), rounded up to whole seconds.
std::chrono::seconds retryDelay(const BackoffPolicy& policy, int failedAttempts, std::chrono::milliseconds retryAfter,
	double random);

/// Returns true when a job that has failed `failedAttempts` times may try again.
inline bool mayRetry(const BackoffPolicy& policy, int failedAttempts)
{
	return failedAttempts < policy.maxAttempts;
}

} // namespace gpucloud::vms
