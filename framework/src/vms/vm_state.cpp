#include "vms/vm_state.h"

#include <array>
#include <utility>

namespace gpucloud::vms
{

namespace
{

const std::array<std::pair<VmState, const char*>, 9> kStateNames = {{
	{VmState::Creating, "creating"},
	{VmState::Starting, "starting"},
	{VmState::Running, "running"},
	{VmState::Stopping, "stopping"},
	{VmState::Stopped, "stopped"},
	{VmState::Interrupted, "interrupted"},
	{VmState::Destroyed, "destroyed"},
	{VmState::Failed, "failed"},
	{VmState::Offline, "offline"},
}};

std::string isNow(VmState state)
{
	return std::string("The VM is ") + vmStateName(state);
}

} // namespace

const char* vmStateName(VmState state)
{
	for (const auto& entry : kStateNames)
	{
		if (entry.first == state)
			return entry.second;
	}
	return "failed";
}

std::optional<VmState> parseVmState(const std::string& name)
{
	for (const auto& entry : kStateNames)
	{
		if (name == entry.second)
			return entry.first;
	}
	return std::nullopt;
}

bool holdsGpus(VmState state)
{
	return state != VmState::Stopped && state != VmState::Destroyed && state != VmState::Failed
		&& state != VmState::Interrupted;
}

const char* vmActionName(VmAction action)
{
	switch (action)
	{
	case VmAction::Start: return "start";
	case VmAction::Stop: return "stop";
	case VmAction::Restart: return "restart";
	case VmAction::Resize: return "resize";
	case VmAction::Destroy: return "destroy";
	}
	return "destroy";
}

ActionVerdict checkAction(VmAction action, VmState state, bool onlineResize, bool busy)
{
	if (state == VmState::Destroyed)
		return {false, "The VM is destroyed"};
	if (action == VmAction::Destroy)
		return {true, ""};

	switch (action)
	{
	case VmAction::Start:
		if (state != VmState::Stopped && state != VmState::Interrupted)
			return {false, isNow(state) + "; only a stopped or interrupted VM can be started"};
		break;
	case VmAction::Stop:
		if (state != VmState::Running)
			return {false, isNow(state) + "; only a running VM can be stopped"};
		break;
	case VmAction::Restart:
		if (state != VmState::Running)
			return {false, isNow(state) + "; only a running VM can be restarted"};
		break;
	case VmAction::Resize:
		if (state == VmState::Running && !onlineResize)
			return {false, "The VM is running and its backend cannot grow a running VM's disk; stop it first"};
		if (state != VmState::Stopped && state != VmState::Running)
			return {false, isNow(state) + "; the disk can be resized while the VM is stopped or running"};
		break;
	case VmAction::Destroy:
		break;
	}
	if (busy)
		return {false, "Another operation on the VM is still in progress"};
	return {true, ""};
}

} // namespace gpucloud::vms
