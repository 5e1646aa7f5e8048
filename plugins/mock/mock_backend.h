#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "fault_script.h"
#include "gpucloud/sdk/hypervisor_backend.h"
#include "hypervisor_state.h"
#include "mock_settings.h"
#include "state_file.h"

namespace gpucloud::plugins::mock
{

/// The mock hypervisor backend: HypervisorState behind a mutex, with configured delays, scripted faults and the
/// optional state file. Every call runs in three steps: the scripted faults of the call (which may delay, hang,
/// fail or mark the VM to be lost), the configured delay of the operation, and the operation itself under the lock.
/// Delays and hangs do not hold the lock, so concurrent calls wait for each other only while the state changes.
class MockBackend : public sdk::HypervisorBackend
{
public:
	/// Throws BackendError(InvalidRequest) when the state file does not fit the configured nodes.
	MockBackend(std::string instanceName, MockSettings settings, sdk::HostServices& host);

	sdk::PluginInfo info() const override;
	std::vector<sdk::NodeInfo> listNodes() override;
	sdk::CreatedVm createVm(const sdk::VmSpec& spec) override;
	void startVm(const sdk::VmRef& vm) override;
	void stopVm(const sdk::VmRef& vm, std::chrono::seconds gracePeriod) override;
	void rebootVm(const sdk::VmRef& vm) override;
	void resizeDisk(const sdk::VmRef& vm, std::uint64_t diskGb) override;
	void destroyVm(const sdk::VmRef& vm) override;
	sdk::VmStatus getVmStatus(const sdk::VmRef& vm) override;
	std::vector<sdk::VmStatus> listVms() override;
	sdk::HealthReport checkHealth() override;

private:
	/// Runs `action` on the state after the faults and the delay of `operation`. `target` is the VM that a "lose"
	/// fault removes once the action has succeeded. Prefixes the message of every BackendError with the instance
	/// and the method.
	template <class Action>
	auto run(Operation operation, const sdk::VmRef& target, Action&& action) -> decltype(action());

	/// Applies the scripted faults of the next call; returns true when the VM must be lost after the call.
	bool applyFaults(Operation operation);

	/// Removes the VM for a "lose" fault; call with _stateMutex held.
	void loseVm(const sdk::VmRef& target);
	void requireCapability(sdk::Capability capability, Operation operation) const;

	/// Writes the state file when one is configured; call with _stateMutex held.
	void persist();
	sdk::VmStatus statusOf(const VmRecord& vm, std::int64_t nowMs) const;
	std::int64_t nowMs() const;
	void log(sdk::LogLevel level, const std::string& message) const;

	std::string _instanceName;
	MockSettings _settings;
	sdk::HostServices& _host;
	FaultScript _faults;
	std::optional<StateFile> _stateFile;

	std::mutex _stateMutex;
	HypervisorState _state;
};

} // namespace gpucloud::plugins::mock
