#pragma once

#include <string>

namespace gpucloud::vms
{

/// VM operations that other modules may start, such as the billing meter stopping the VMs of an account whose
/// balance reached zero. Implemented by the VM service.
class VmControl
{
public:
	virtual ~VmControl() = default;

	/// Stops a running VM in the background (the stop job releases its GPUs) and records `reason` as its
	/// status_reason. Does nothing for a VM that is not running or starting. Thread-safe.
	virtual void stopVm(const std::string& vmId, const std::string& reason) = 0;

	/// Destroys a VM in the background and records `reason` as its status_reason, as DELETE /vms/{id} does (the
	/// destroy settles its billing). Does nothing for a VM already destroyed. Used only when the operator enabled
	/// billing.destroy_when_in_debt. Thread-safe.
	virtual void destroyVm(const std::string& vmId, const std::string& reason) = 0;
};

} // namespace gpucloud::vms
