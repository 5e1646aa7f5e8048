#pragma once

#include <chrono>
#include <random>

namespace gpucloud::plugins::proxmox
{

/// Exponential backoff with jitter: each delay doubles up to `maximum`, and a random part of up to a quarter of the
/// delay spreads out clients that failed together (parallel clones hitting the same lock).
class Backoff
{
public:
	Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum);

	/// Returns the next delay and advances.
	std::chrono::milliseconds next();

	/// Sleeps for the next delay, but never past `deadline`.
	void sleepUntilNext(std::chrono::steady_clock::time_point deadline);

private:
	std::chrono::milliseconds _current;
	std::chrono::milliseconds _maximum;
	std::minstd_rand _random;
};

} // namespace gpucloud::plugins::proxmox
