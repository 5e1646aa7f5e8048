#include "backoff.h"

#include <algorithm>
#include <thread>

namespace gpucloud::plugins::proxmox
{

Backoff::Backoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum)
	: _current(std::max<std::chrono::milliseconds>(initial, std::chrono::milliseconds(1)))
	, _maximum(std::max(maximum, _current))
	, _random(std::random_device{}())
{
}

std::chrono::milliseconds Backoff::next()
{
	std::chrono::milliseconds delay = _current;
	std::uniform_int_distribution<long long> jitter(0, delay.count() / 4);
	_current = std::min(_current * 2, _maximum);
	return delay + std::chrono::milliseconds(jitter(_random));
}

void Backoff::sleepUntilNext(std::chrono::steady_clock::time_point deadline)
{
	auto wake = std::min(std::chrono::steady_clock::now() + next(), deadline);
	std::this_thread::sleep_until(wake);
}

} // namespace gpucloud::plugins::proxmox
