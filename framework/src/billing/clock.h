#pragma once

#include <cstdint>

#include "db/database.h"

namespace gpucloud::billing
{

/// Source of the current time in Unix seconds. The meter takes one so that tests advance time instead of sleeping.
class Clock
{
public:
	virtual ~Clock() = default;
	virtual std::int64_t now() const = 0;
};

/// The system's wall clock.
class SystemClock : public Clock
{
public:
	std::int64_t now() const override { return db::unixNow(); }
};

} // namespace gpucloud::billing
