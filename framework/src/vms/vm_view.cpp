#include "vms/vm_view.h"

#include "db/database.h"

namespace gpucloud::vms
{

namespace
{

void writeTime(http::JsonWriter& out, const std::optional<std::int64_t>& time)
{
	if (time)
		out.value(db::isoTime(*time));
	else
		out.null();
}

void replaceAll(std::string& text, const std::string& from, const std::string& to)
{
	for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
		text.replace(at, from.size(), to);
}

void renderAccess(http::JsonWriter& out, const VmRecord& vm, const VmViewInputs& inputs, const VmSettings& settings,
	const std::optional<std::string>& ip)
{
	out.beginArray();
	if (vm.status == VmState::Running)
	{
		if (ip)
			out.beginObject().key("type").value("ssh").key("command").value("ssh " + settings.sshUser + "@" + *ip).endObject();
		if (inputs.templateInfo && !settings.portalUrlPattern.empty())
		{
			for (const std::string& service : inputs.templateInfo->access)
			{
				if (service == "ssh")
					continue;
				out.beginObject().key("type").value(service);
				out.key("url").value(portalUrl(settings.portalUrlPattern, vm, service)).endObject();
			}
		}
	}
	out.endArray();
}

void renderActions(http::JsonWriter& out, const VmRecord& vm, const VmViewInputs& inputs)
{
	out.beginObject();
	for (VmAction action : {VmAction::Start, VmAction::Stop, VmAction::Restart, VmAction::Resize, VmAction::Destroy})
	{
		ActionVerdict verdict = checkAction(action, vm.status, inputs.onlineResize, inputs.busy);
		out.key(vmActionName(action)).beginObject().key("allowed").value(verdict.allowed).key("reason");
		if (verdict.allowed)
			out.null();
		else
			out.value(verdict.reason);
		out.endObject();
	}
	out.endObject();
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

void renderVm(http::JsonWriter& out, const VmRecord& vm, const VmViewInputs& inputs, const VmSettings& settings)
{
	bool running = vm.status == VmState::Running;
	std::optional<std::string> ip = vm.ipAddress;
	if (running && inputs.live && inputs.live->ipAddress)
		ip = inputs.live->ipAddress;
	if (!holdsGpus(vm.status))
		ip.reset();
	bool liveFigures = running && inputs.live;

	out.beginObject();
	out.key("id").value(vm.id);
	out.key("vmid");
	if (vm.vmid > 0)
		out.value(vm.vmid);
	else
		out.null();
	out.key("user_id").value(vm.userId);
	out.key("node").value(vm.node);
	out.key("instance_label").value(vm.instanceLabel);
	out.key("gpu_type").value(vm.gpuType);
	out.key("gpu_count").value(vm.gpuCount);
	out.key("storage_gb").value(vm.storageGb);
	out.key("ram_gb").value(vm.ramGb);
	out.key("cpu_cores").value(vm.cpuCores);
	out.key("ip_address").value(ip);
	out.key("status").value(vmStateName(vm.status));
	out.key("status_reason").value(vm.statusReason);
	out.key("created_at").value(db::isoTime(vm.createdAt));
	out.key("started_at");
	writeTime(out, vm.startedAt);
	out.key("stopped_at");
	writeTime(out, vm.stoppedAt);
	out.key("rental_type").value(vm.rentalType);
	out.key("reservation_id").value(vm.reservationId);
	out.key("auto_restart").value(vm.autoRestart);
	out.key("hourly_rate").value(util::toJsonRate(vm.hourlyRate()));
	out.key("gpu_hourly_rate").value(util::toJsonRate(vm.gpuHourlyRate));
	out.key("storage_hourly_rate").value(util::toJsonRate(vm.storageHourlyRate));
	out.key("cpu_percent").value(liveFigures ? inputs.live->cpuPercent : std::nullopt);
	out.key("ram_percent").value(liveFigures ? inputs.live->ramPercent : std::nullopt);
	out.key("cpu_model");
	if (inputs.node)
		out.value(inputs.node->info.cpuModel);
	else
		out.null();
	out.key("pcie_gen");
	if (inputs.node && inputs.node->info.pcieGen > 0)
		out.value(static_cast<int>(inputs.node->info.pcieGen));
	else
		out.null();
	out.key("template_vmid").value(vm.templateVmid);
	out.key("backend").value(vm.backend);
	out.key("access");
	renderAccess(out, vm, inputs, settings, ip);
	out.key("actions");
	renderActions(out, vm, inputs);
	out.endObject();
}

} // namespace gpucloud::vms
