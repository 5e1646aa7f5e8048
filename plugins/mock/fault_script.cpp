#include "fault_script.h"

namespace gpucloud::plugins::mock
{

FaultScript::FaultScript(std::array<std::vector<FaultRule>, kOperationCount> rules) : _rules(std::move(rules))
{
}

FaultPlan FaultScript::nextCall(Operation operation)
{
	std::size_t index = operationIndex(operation);
	FaultPlan plan;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		plan.call = ++_calls[index];
	}
	for (const FaultRule& rule : _rules[index])
	{
		if (rule.matches(plan.call))
			plan.rules.push_back(rule);
	}
	return plan;
}

} // namespace gpucloud::plugins::mock
