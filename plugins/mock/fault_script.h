#pragma once

#include <array>
#include <cstdint>
#include <mutex>
#include <vector>

#include "fault_rule.h"
#include "operation.h"

namespace gpucloud::plugins::mock
{

/// The rules that apply to one call, in configuration order.
struct FaultPlan
{
	std::uint64_t call = 0;  ///< 1 for the first call of the operation
	std::vector<FaultRule> rules;
};

/// Counts the calls of every operation and picks the scripted faults for each one. Thread-safe.
class FaultScript
{
public:
	explicit FaultScript(std::array<std::vector<FaultRule>, kOperationCount> rules);

	/// Counts one more call of `operation` and returns the rules that match it.
	FaultPlan nextCall(Operation operation);

private:
	std::array<std::vector<FaultRule>, kOperationCount> _rules;
	std::array<std::uint64_t, kOperationCount> _calls{};
	std::mutex _mutex;
};

} // namespace gpucloud::plugins::mock
