#include "vms/vm_view.h"

#include <Poco/JSON/Array.h>

#include "db/database.h"
#include "http/validation.h"

namespace gpucloud::vms
{

namespace
{

Poco::Dynamic::Var optionalTime(const std::optional<std::int64_t>& time)
{
	return time ? Poco::Dynamic::Var(db::isoTime(*time)) : Poco::Dynamic::Var();
}

Poco::Dynamic::Var optionalText(const std::optional<std::string>& text)
{
	return text ? Poco::Dynamic::Var(*text) : Poco::Dynamic::Var();
}

void replaceAll(std::string& text, const std::string& from, const std::string& to)
{
	for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
		text.replace(at, from.size(), to);
}

Poco::JSON::Array::Ptr renderAccess(const VmRecord& vm, const VmViewInputs& inputs, const VmSettings& settings,
	const std::optional<std::string>& ip)
{
	Poco::JSON::Array::Ptr access = new Poco::JSON::Array;
	if (vm.status != VmState::Running)
		return access;
	if (ip)
	{
		Poco::JSON::Object::Ptr ssh = http::orderedObject();
		ssh->set("type", "ssh");
		ssh->set("command", "ssh " + settings.sshUser + "@" + *ip);
		access->add(ssh);
	}
	if (!inputs.templateInfo || settings.portalUrlPattern.empty())
		return access;
	for (const std::string& service : inputs.templateInfo->access)
	{
		if (service == "ssh")
			continue;
		Poco::JSON::Object::Ptr entry = http::orderedObject();
		entry->set("type", service);
		entry->set("url", portalUrl(settings.portalUrlPattern, vm, service));
		access->add(entry);
	}
	return access;
}

Poco::JSON::Object::Ptr renderActions(const VmRecord& vm, const VmViewInputs& inputs)
{
	Poco::JSON::Object::Ptr actions = http::orderedObject();
	for (VmAction action : {VmAction::Start, VmAction::Stop, VmAction::Restart, VmAction::Resize, VmAction::Destroy})
	{
		ActionVerdict verdict = checkAction(action, vm.status, inputs.onlineResize, inputs.busy);
		Poco::JSON::Object::Ptr entry = http::orderedObject();
		entry->set("allowed", verdict.allowed);
		entry->set("reason", verdict.allowed ? Poco::Dynamic::Var() : Poco::Dynamic::Var(verdict.reason));
		actions->set(vmActionName(action), entry);
	}
	return actions;
}

} // namespace

std::string portalUrl(const std::string& pattern, const VmRecord& vm, const std::string& service)
{
	if (pattern.empty())
		return "";
	std::string url = pattern;
	replaceAll(url, "{vm_id}", vm.id);
	replaceAll(url, "{vmid}", std::to_string(vm.vmid));
	replaceAll(url, "{service}", service);
	return url;
}

Poco::JSON::Object::Ptr renderVm(const VmRecord& vm, const VmViewInputs& inputs, const VmSettings& settings)
{
	bool running = vm.status == VmState::Running;
	std::optional<std::string> ip = vm.ipAddress;
	if (running && inputs.live && inputs.live->ipAddress)
		ip = inputs.live->ipAddress;
	if (!holdsGpus(vm.status))
		ip.reset();

	Poco::JSON::Object::Ptr object = http::orderedObject();
	object->set("id", vm.id);
	object->set("vmid", vm.vmid > 0 ? Poco::Dynamic::Var(vm.vmid) : Poco::Dynamic::Var());
	object->set("user_id", vm.userId);
	object->set("node", vm.node);
	object->set("instance_label", vm.instanceLabel);
	object->set("gpu_type", vm.gpuType);
	object->set("gpu_count", vm.gpuCount);
	object->set("storage_gb", vm.storageGb);
	object->set("ram_gb", vm.ramGb);
	object->set("cpu_cores", vm.cpuCores);
	object->set("ip_address", optionalText(ip));
	object->set("status", vmStateName(vm.status));
	object->set("status_reason", optionalText(vm.statusReason));
	object->set("created_at", db::isoTime(vm.createdAt));
	object->set("started_at", optionalTime(vm.startedAt));
	object->set("stopped_at", optionalTime(vm.stoppedAt));
	object->set("rental_type", vm.rentalType);
	object->set("reservation_id", optionalText(vm.reservationId));
	object->set("auto_restart", vm.autoRestart);
	object->set("hourly_rate", util::toJsonRate(vm.hourlyRate()));
	object->set("gpu_hourly_rate", util::toJsonRate(vm.gpuHourlyRate));
	object->set("storage_hourly_rate", util::toJsonRate(vm.storageHourlyRate));
	bool liveFigures = running && inputs.live;
	object->set("cpu_percent", liveFigures && inputs.live->cpuPercent ? Poco::Dynamic::Var(*inputs.live->cpuPercent)
																   : Poco::Dynamic::Var());
	object->set("ram_percent", liveFigures && inputs.live->ramPercent ? Poco::Dynamic::Var(*inputs.live->ramPercent)
																   : Poco::Dynamic::Var());
	object->set("cpu_model", inputs.node ? Poco::Dynamic::Var(inputs.node->info.cpuModel) : Poco::Dynamic::Var());
	object->set("pcie_gen", inputs.node && inputs.node->info.pcieGen > 0
			? Poco::Dynamic::Var(static_cast<int>(inputs.node->info.pcieGen))
			: Poco::Dynamic::Var());
	object->set("template_vmid", vm.templateVmid);
	object->set("backend", vm.backend);
	object->set("access", renderAccess(vm, inputs, settings, ip));
	object->set("actions", renderActions(vm, inputs));
	return object;
}

} // namespace gpucloud::vms
