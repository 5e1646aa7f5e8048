#pragma once

#include <array>
#include <optional>
#include <string>

namespace gpucloud::plugins::mock
{

/// The backend calls that delays and faults can target.
enum class Operation
{
	ListNodes,
	CreateVm,
	StartVm,
	StopVm,
	RebootVm,
	ResizeDisk,
	DestroyVm,
	GetVmStatus,
	ListVms,
	CheckHealth,
};

constexpr std::size_t kOperationCount = 10;

constexpr std::array<Operation, kOperationCount> kAllOperations = {Operation::ListNodes, Operation::CreateVm,
	Operation::StartVm, Operation::StopVm, Operation::RebootVm, Operation::ResizeDisk, Operation::DestroyVm,
	Operation::GetVmStatus, Operation::ListVms, Operation::CheckHealth};

/// Returns the name used in configuration keys, such as "start_vm".
const char* operationKey(Operation operation);

/// Returns the SDK method name used in messages, such as "startVm".
const char* operationMethod(Operation operation);

/// Returns the operation whose configuration name is `key`, or nothing.
std::optional<Operation> parseOperation(const std::string& key);

/// Returns true for the calls that address one VM, the only ones a "lose" fault can apply to.
bool targetsVm(Operation operation);

inline std::size_t operationIndex(Operation operation)
{
	return static_cast<std::size_t>(operation);
}

} // namespace gpucloud::plugins::mock
