#pragma once

#include <atomic>
#include <cstdint>

#include "billing/clock.h"

namespace gpucloud::testing
{

/// A clock that moves only when a test moves it. Thread-safe.
class ManualClock : public billing::Clock
{
public:
	explicit ManualClock(std::int64_t start) : _now(start) {}

	std::int64_t now() const override { return _now.load(); }
	void set(std::int64_t value) { _now.store(value); }
	void advance(std::int64_t seconds) { _now.fetch_add(seconds); }

private:
	std::atomic<std::int64_t> _now;
};

} // namespace gpucloud::testing
