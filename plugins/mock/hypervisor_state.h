#pragma once

#include <map>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"
#include "mock_settings.h"
#include "node_inventory.h"
#include "vm_record.h"

namespace gpucloud::plugins::mock
{

/// The mock hypervisor's state: nodes, GPUs and VMs, with the power state machine
///
///     create -> Stopped (GPUs free) --start--> Running (GPUs held) --stop--> Stopped (GPUs free) --start--> ...
///
/// and destroy from any state. A VM records its GPUs at create and holds them on the node only while it runs. Every method either completes or throws BackendError and changes nothing; messages
/// name the VM and the node. Not thread-safe: MockBackend serialises the calls.
class HypervisorState
{
public:
	HypervisorState(const MockSettings& settings);

	std::vector<sdk::NodeInfo> listNodes() const;

	/// Creates a stopped VM that records the GPUs of `spec` without holding them, or returns the existing VM with
	/// the same vmId.
	const VmRecord& create(const sdk::VmSpec& spec);

	/// Powers the VM on at `nowMs` holding `ref.gpuAddresses`, which then replace the recorded GPUs, or the
	/// recorded GPUs when `ref.gpuAddresses` is empty. Throws InvalidRequest for a GPU that the node does not have
	/// and CapacityExhausted for a GPU that another running VM holds. A running VM keeps its GPUs.
	void start(const sdk::VmRef& ref, std::int64_t nowMs);

	/// Powers the VM off and frees its GPUs.
	void stop(const sdk::VmRef& ref);

	void reboot(const sdk::VmRef& ref, std::int64_t nowMs);

	/// Grows the disk; `onlineAllowed` false rejects the call for a running VM with NotSupported.
	void resizeDisk(const sdk::VmRef& ref, std::uint64_t diskGb, bool onlineAllowed);

	/// Removes the VM and frees its GPUs and storage. Returns false when there was no such VM.
	bool destroy(const sdk::VmRef& ref);

	/// Removes the VM without a trace, as if it had been deleted behind the backend's back. Returns false when
	/// there was no such VM.
	bool lose(const sdk::VmRef& ref);

	const VmRecord& get(const sdk::VmRef& ref);

	/// Returns the VMs on online nodes.
	std::vector<const VmRecord*> listOnline() const;

	/// Returns every VM, for the state file.
	const std::map<std::string, VmRecord>& records() const { return _vms; }
	std::int64_t nextVmid() const { return _nextVmid; }

	/// Replaces the VMs with those read from a state file; the running VMs hold their GPUs again. Throws
	/// BackendError(InvalidRequest) when a VM does not fit the configured nodes (unknown node, or a running VM with
	/// an unknown GPU or a GPU that another running VM holds).
	void restore(const std::vector<VmRecord>& vms, std::int64_t nextVmid);

private:
	VmRecord* findRecord(const sdk::VmRef& ref);
	VmRecord& require(const sdk::VmRef& ref);
	NodeState& reachableNode(const std::string& name);
	void validateNewVm(const sdk::VmSpec& spec, NodeState& node);
	void releaseGpus(VmRecord& vm);
	void remove(VmRecord& vm);

	NodeInventory _inventory;
	std::map<std::string, VmRecord> _vms;  ///< by backendId
	std::int64_t _nextVmid = 1000;
};

/// Returns "VM '<vmId>' (<backendId>) on node '<node>'" for messages.
std::string describeVm(const VmRecord& vm);

} // namespace gpucloud::plugins::mock
