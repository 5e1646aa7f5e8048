#pragma once

#include <optional>
#include <string>

namespace gpucloud::vms
{

/// The status of a VM as the API shows it.
///
///     creating -> starting -> running            (create)
///     running -> stopping -> stopped             (stop; releases the GPUs)
///     stopped | interrupted -> starting -> running   (start; allocates the GPUs again)
///     running -> stopping -> starting -> running (restart)
///     running -> interrupted                     (preemption of an interruptible VM)
///     any but destroyed -> destroyed             (destroy; terminal)
///     creating | starting | stopping | running -> failed   (provisioning or backend error; GPUs released)
///     running | stopped | ... -> offline -> back when seen again, or failed after a grace period
enum class VmState
{
	Creating,
	Starting,
	Running,
	Stopping,
	Stopped,
	Interrupted,
	Destroyed,
	Failed,
	Offline,
};

/// Returns the API spelling: "creating", "running", ...
const char* vmStateName(VmState state);

/// Parses the API spelling; nullopt for anything else.
std::optional<VmState> parseVmState(const std::string& name);

/// Returns true for the states in which the VM holds GPU allocations: every state but stopped, interrupted,
/// destroyed and failed. An interrupted VM gave its GPUs to the VM that preempted it. A VM that is `offline` keeps
/// its GPUs until it is seen again or fails.
bool holdsGpus(VmState state);

/// The user actions of the `actions` block.
enum class VmAction
{
	Start,
	Stop,
	Restart,
	Resize,
	Destroy,
};

const char* vmActionName(VmAction action);

/// Whether an action is allowed now, and why not.
struct ActionVerdict
{
	bool allowed = false;
	std::string reason;  ///< non-empty exactly when `allowed` is false
};

/// Decides whether `action` is allowed for a VM in `state`. `onlineResize` is true when the VM's backend can grow
/// the disk of a running VM. `busy` is true while a job of the VM is pending, which blocks start, stop, restart
/// and resize (destroy is always possible).
ActionVerdict checkAction(VmAction action, VmState state, bool onlineResize, bool busy);

} // namespace gpucloud::vms
