#include "reconnect_backoff.h"

#include <algorithm>

namespace gpucloud::plugins::libvirt
{

ReconnectBackoff::ReconnectBackoff(std::chrono::milliseconds initial, std::chrono::milliseconds maximum)
	: _initial(initial), _maximum(std::max(initial, maximum)), _delay(initial)
{
}

bool ReconnectBackoff::mayAttempt(Clock::time_point now) const
{
	return now >= _nextAttempt;
}

std::chrono::milliseconds ReconnectBackoff::remaining(Clock::time_point now) const
{
	if (mayAttempt(now))
		return std::chrono::milliseconds(0);
	return std::chrono::duration_cast<std::chrono::milliseconds>(_nextAttempt - now);
}

void ReconnectBackoff::recordFailure(Clock::time_point now)
{
	_nextAttempt = now + _delay;
	_delay = std::min(_delay * 2, _maximum);
}

void ReconnectBackoff::recordSuccess()
{
	_delay = _initial;
	_nextAttempt = Clock::time_point{};
}

} // namespace gpucloud::plugins::libvirt
