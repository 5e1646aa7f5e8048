#include "vms/job_backoff.h"

#include <algorithm>
#include <cmath>

namespace gpucloud::vms
{

std::chrono::seconds retryDelay(const BackoffPolicy& policy, int failedAttempts, std::chrono::milliseconds retryAfter,
	double random)
{
	int exponent = std::clamp(failedAttempts - 1, 0, 30);
	double seconds = static_cast<double>(policy.base.count()) * std::pow(2.0, exponent);
	seconds = std::min(seconds, static_cast<double>(policy.max.count()));
	seconds *= 1.0 + policy.jitter * std::clamp(random, 0.0, 1.0);
	seconds = std::max(seconds, static_cast<double>(retryAfter.count()) / 1000.0);
	return std::chrono::seconds(static_cast<std::int64_t>(std::ceil(seconds)));
}

} // namespace gpucloud::vms
