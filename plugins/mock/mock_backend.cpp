#include "mock_backend.h"

#include <thread>

#include "backend_error.h"
#include "guest_metrics.h"

namespace gpucloud::plugins::mock
{

using sdk::ErrorKind;

namespace
{

const char* kPluginVersion = "1.0.0";

std::string joinAddresses(const std::vector<std::string>& addresses)
{
	if (addresses.empty())
		return "no GPUs";
	std::string text = "GPUs";
	for (const std::string& address : addresses)
		text += " " + address;
	return text;
}

} // namespace

MockBackend::MockBackend(std::string instanceName, MockSettings settings, sdk::HostServices& host)
	: _instanceName(std::move(instanceName))
	, _settings(std::move(settings))
	, _host(host)
	, _faults(_settings.faults)
	, _state(_settings)
{
	if (_settings.stateFile.empty())
		return;
	_stateFile.emplace(_settings.stateFile);
	SavedState saved = _stateFile->load();
	_state.restore(saved.vms, saved.nextVmid);
	log(sdk::LogLevel::Information, "Loaded " + std::to_string(saved.vms.size()) + " VMs from the state file "
			+ quote(_stateFile->path()));
}

template <class Action>
auto MockBackend::run(Operation operation, const sdk::VmRef& target, Action&& action) -> decltype(action())
{
	try
	{
		bool loseAfter = applyFaults(operation);
		std::this_thread::sleep_for(_settings.delays[operationIndex(operation)]);

		std::lock_guard<std::mutex> lock(_stateMutex);
		if constexpr (std::is_void_v<decltype(action())>)
		{
			action();
			if (loseAfter)
				loseVm(target);
		}
		else
		{
			auto result = action();
			if (loseAfter)
				loseVm(target);
			return result;
		}
	}
	catch (const sdk::BackendError& error)
	{
		throw sdk::BackendError(error.kind(), "Backend " + quote(_instanceName) + ", " + operationMethod(operation)
				+ ": " + error.what(), error.retryAfter());
	}
}

bool MockBackend::applyFaults(Operation operation)
{
	FaultPlan plan = _faults.nextCall(operation);
	bool loseAfter = false;
	for (const FaultRule& rule : plan.rules)
	{
		std::string fault = "scripted fault '" + rule.describe() + "' on call " + std::to_string(plan.call);
		log(sdk::LogLevel::Warning, std::string("Applying ") + fault + " of " + operationMethod(operation));
		switch (rule.action)
		{
		case FaultAction::Delay:
			std::this_thread::sleep_for(rule.duration);
			break;
		case FaultAction::Hang:
		{
			auto timeout = rule.duration.count() > 0 ? rule.duration : _settings.hangTimeout;
			std::this_thread::sleep_for(timeout);
			raise(ErrorKind::Unavailable, "the hypervisor call timed out after " + std::to_string(timeout.count())
					+ " ms (" + fault + ")");
		}
		case FaultAction::Fail:
			raise(rule.errorKind, "the hypervisor reported a failure (" + fault + ")");
		case FaultAction::Lose:
			loseAfter = true;
			break;
		}
	}
	return loseAfter;
}

void MockBackend::loseVm(const sdk::VmRef& target)
{
	if (_state.lose(target))
	{
		log(sdk::LogLevel::Warning, "Lost VM " + quote(target.vmId) + " by a scripted fault");
		persist();
	}
}

void MockBackend::requireCapability(sdk::Capability capability, Operation operation) const
{
	if ((_settings.capabilities & static_cast<std::uint32_t>(capability)) == 0)
	{
		raise(ErrorKind::NotSupported, "Backend " + quote(_instanceName) + ", " + operationMethod(operation)
				+ ": capability " + quote(sdk::capabilityName(capability)) + " is not declared");
	}
}

sdk::PluginInfo MockBackend::info() const
{
	return sdk::PluginInfo{"mock", kPluginVersion, sdk::kAbiVersion, _settings.capabilities};
}

std::vector<sdk::NodeInfo> MockBackend::listNodes()
{
	return run(Operation::ListNodes, {}, [&] { return _state.listNodes(); });
}

sdk::CreatedVm MockBackend::createVm(const sdk::VmSpec& spec)
{
	if (!spec.gpuAddresses.empty())
		requireCapability(sdk::Capability::GpuPassthrough, Operation::CreateVm);
	sdk::VmRef target{spec.vmId, spec.node, "", {}};
	return run(Operation::CreateVm, target, [&] {
		std::size_t before = _state.records().size();
		const VmRecord& vm = _state.create(spec);
		sdk::CreatedVm created{vm.backendId, vm.vmid};
		if (_state.records().size() != before)
		{
			log(sdk::LogLevel::Information, "Created " + describeVm(vm) + " from template "
					+ std::to_string(vm.templateVmid) + " with " + joinAddresses(vm.gpuAddresses));
			persist();
		}
		return created;
	});
}

void MockBackend::startVm(const sdk::VmRef& vm)
{
	if (!vm.gpuAddresses.empty())
		requireCapability(sdk::Capability::GpuPassthrough, Operation::StartVm);
	run(Operation::StartVm, vm, [&] {
		_state.start(vm, nowMs());
		const VmRecord& started = _state.get(vm);
		log(sdk::LogLevel::Information, "Started " + describeVm(started) + " with "
				+ joinAddresses(started.gpuAddresses));
		persist();
	});
}

void MockBackend::stopVm(const sdk::VmRef& vm, std::chrono::seconds gracePeriod)
{
	run(Operation::StopVm, vm, [&] {
		_state.stop(vm);
		log(sdk::LogLevel::Information, "Stopped " + describeVm(_state.get(vm)) + " (grace period "
				+ std::to_string(gracePeriod.count()) + " s)");
		persist();
	});
}

void MockBackend::rebootVm(const sdk::VmRef& vm)
{
	requireCapability(sdk::Capability::Reboot, Operation::RebootVm);
	run(Operation::RebootVm, vm, [&] {
		_state.reboot(vm, nowMs());
		log(sdk::LogLevel::Information, "Rebooted " + describeVm(_state.get(vm)));
		persist();
	});
}

void MockBackend::resizeDisk(const sdk::VmRef& vm, std::uint64_t diskGb)
{
	requireCapability(sdk::Capability::DiskResize, Operation::ResizeDisk);
	bool onlineAllowed = (_settings.capabilities & static_cast<std::uint32_t>(sdk::Capability::OnlineDiskResize)) != 0;
	run(Operation::ResizeDisk, vm, [&] {
		_state.resizeDisk(vm, diskGb, onlineAllowed);
		log(sdk::LogLevel::Information, "Resized the disk of " + describeVm(_state.get(vm)) + " to "
				+ std::to_string(diskGb) + " GB");
		persist();
	});
}

void MockBackend::destroyVm(const sdk::VmRef& vm)
{
	run(Operation::DestroyVm, vm, [&] {
		if (_state.destroy(vm))
		{
			log(sdk::LogLevel::Information, "Destroyed VM " + quote(vm.vmId) + " on node " + quote(vm.node));
			persist();
		}
	});
}

sdk::VmStatus MockBackend::getVmStatus(const sdk::VmRef& vm)
{
	return run(Operation::GetVmStatus, vm, [&] { return statusOf(_state.get(vm), nowMs()); });
}

std::vector<sdk::VmStatus> MockBackend::listVms()
{
	return run(Operation::ListVms, {}, [&] {
		std::int64_t now = nowMs();
		std::vector<sdk::VmStatus> statuses;
		for (const VmRecord* vm : _state.listOnline())
			statuses.push_back(statusOf(*vm, now));
		return statuses;
	});
}

sdk::HealthReport MockBackend::checkHealth()
{
	try
	{
		return run(Operation::CheckHealth, {}, [&] {
			sdk::HealthReport report;
			bool anyOnline = false;
			for (const sdk::NodeInfo& node : _state.listNodes())
			{
				bool online = node.status == sdk::NodeStatus::Online;
				anyOnline = anyOnline || online;
				report.nodes[node.name] = online ? "online" : "offline: " + node.statusReason;
			}
			report.healthy = anyOnline;
			report.detail = anyOnline ? "ok" : "every node is offline";
			return report;
		});
	}
	catch (const sdk::BackendError& error)
	{
		return sdk::HealthReport{false, error.what(), {}};
	}
}

sdk::VmStatus MockBackend::statusOf(const VmRecord& vm, std::int64_t now) const
{
	sdk::VmStatus status;
	status.vmId = vm.vmId;
	status.node = vm.node;
	status.backendId = vm.backendId;
	status.power = vm.power;
	status.diskGb = vm.diskGb;
	if (vm.holdsGpus())
		status.gpuAddresses = vm.gpuAddresses;
	if (vm.power != sdk::PowerState::Running)
		return status;

	if (_settings.capabilities & static_cast<std::uint32_t>(sdk::Capability::GuestIpReporting))
		status.ipAddresses = {guestIpAddress(vm.vmid)};
	if (_settings.capabilities & static_cast<std::uint32_t>(sdk::Capability::Metrics))
	{
		status.cpuPercent = guestCpuPercent(vm.vmId, now);
		status.ramPercent = guestRamPercent(vm.vmId, now);
		status.networkTxBytes = guestNetworkBytes(vm.vmId, true, vm.startedAtMs, now);
		status.networkRxBytes = guestNetworkBytes(vm.vmId, false, vm.startedAtMs, now);
	}
	return status;
}

void MockBackend::persist()
{
	if (!_stateFile)
		return;
	std::vector<const VmRecord*> vms;
	for (const auto& entry : _state.records())
		vms.push_back(&entry.second);
	_stateFile->save(vms, _state.nextVmid());
}

std::int64_t MockBackend::nowMs() const
{
	auto sinceEpoch = _host.now().time_since_epoch();
	return std::chrono::duration_cast<std::chrono::milliseconds>(sinceEpoch).count();
}

void MockBackend::log(sdk::LogLevel level, const std::string& message) const
{
	_host.log(level, message);
}

} // namespace gpucloud::plugins::mock
