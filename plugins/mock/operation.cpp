#include "operation.h"

namespace gpucloud::plugins::mock
{

const char* operationKey(Operation operation)
{
	switch (operation)
	{
	case Operation::ListNodes: return "list_nodes";
	case Operation::CreateVm: return "create_vm";
	case Operation::StartVm: return "start_vm";
	case Operation::StopVm: return "stop_vm";
	case Operation::RebootVm: return "reboot_vm";
	case Operation::ResizeDisk: return "resize_disk";
	case Operation::DestroyVm: return "destroy_vm";
	case Operation::GetVmStatus: return "get_vm_status";
	case Operation::ListVms: return "list_vms";
	case Operation::CheckHealth: return "check_health";
	}
	return "unknown";
}

const char* operationMethod(Operation operation)
{
	switch (operation)
	{
	case Operation::ListNodes: return "listNodes";
	case Operation::CreateVm: return "createVm";
	case Operation::StartVm: return "startVm";
	case Operation::StopVm: return "stopVm";
	case Operation::RebootVm: return "rebootVm";
	case Operation::ResizeDisk: return "resizeDisk";
	case Operation::DestroyVm: return "destroyVm";
	case Operation::GetVmStatus: return "getVmStatus";
	case Operation::ListVms: return "listVms";
	case Operation::CheckHealth: return "checkHealth";
	}
	return "unknown";
}

std::optional<Operation> parseOperation(const std::string& key)
{
	for (Operation operation : kAllOperations)
	{
		if (key == operationKey(operation))
			return operation;
	}
	return std::nullopt;
}

bool targetsVm(Operation operation)
{
	switch (operation)
	{
	case Operation::CreateVm:
	case Operation::StartVm:
	case Operation::StopVm:
	case Operation::RebootVm:
	case Operation::ResizeDisk:
	case Operation::DestroyVm:
	case Operation::GetVmStatus:
		return true;
	default:
		return false;
	}
}

} // namespace gpucloud::plugins::mock
