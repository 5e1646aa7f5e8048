#pragma once

#include <chrono>

namespace gpucloud::plugins::libvirt
{

/// When to try a failed connection again: the first retry waits `initial`, each further failure doubles the wait
/// up to `maximum`, and a success starts over. Time is passed in, so tests control it.
class ReconnectBackoff
{
public:
	using Clock = std::chrono::system_clock;

	ReconnectBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum);

	/// Returns true when a connection attempt is allowed at `now`.
	bool mayAttempt(Clock::time_point now) const;

	/// Returns how long to wait from `now` before the next attempt; zero when one is allowed.
	std::chrono::milliseconds remaining(Clock::time_point now) const;

	/// Records a failed attempt at `now` and schedules the next one.
	void recordFailure(Clock::time_point now);

	/// Records a successful attempt: the next failure waits `initial` again.
	void recordSuccess();

	/// Returns the wait that the next failure will schedule.
	std::chrono::milliseconds nextDelay() const { return _delay; }

private:
	std::chrono::milliseconds _initial;
	std::chrono::milliseconds _maximum;
	std::chrono::milliseconds _delay;
	Clock::time_point _nextAttempt{};
};

} // namespace gpucloud::plugins::libvirt
