#include <algorithm>
#include <cctype>
#include <regex>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "fake_cluster.h"

namespace gpucloud::testing::proxmox
{

namespace
{

const std::map<std::string, std::set<std::string>>& actionParams()
{
	static const std::map<std::string, std::set<std::string>> params = {
		{"start", {"timeout", "skiplock", "machine", "migratedfrom", "migration_type", "stateuri", "targetstorage"}},
		{"stop", {"timeout", "skiplock", "keepActive", "overrule-shutdown", "migratedfrom"}},
		{"shutdown", {"timeout", "forceStop", "skiplock", "keepActive"}},
		{"reboot", {"timeout"}},
		{"reset", {"skiplock"}},
	};
	return params;
}

std::string lowerMac(const std::string& net)
{
	std::smatch match;
	static const std::regex mac("([0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2}){5})");
	if (!std::regex_search(net, match, mac))
		return "";
	std::string text = match.str(1);
	std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
	return text;
}

Poco::JSON::Object::Ptr address(const std::string& type, const std::string& ip, int prefix)
{
	Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
	entry->set("ip-address-type", type);
	entry->set("ip-address", ip);
	entry->set("prefix", prefix);
	return entry;
}

} // namespace

std::string FakeCluster::startVmNow(FakeVm& vm)
{
	std::string id = std::to_string(vm.vmid);
	if (vm.config.count("template"))
		return "you can't start a vm if it's a template";
	if (vm.config.count("lock"))
		return "VM is locked (" + vm.config["lock"] + ")";
	if (vm.running)
		return "VM " + id + " already running";
	for (const auto& [key, value] : vm.pending)
	{
		if (value.empty())
			vm.config.erase(key);
		else
			vm.config[key] = value;
	}
	vm.pending.clear();

	std::string machine = vm.config["machine"];
	bool q35 = machine.rfind("q35", 0) == 0 || machine.rfind("pc-q35", 0) == 0;
	std::vector<std::string> chosen;
	auto inUseBy = [&](const std::string& path) -> std::int64_t {
		for (const auto& [otherId, other] : _vms)
		{
			if (other.running && other.node == vm.node
				&& std::find(other.assignedDevices.begin(), other.assignedDevices.end(), path)
					!= other.assignedDevices.end())
				return otherId;
		}
		return 0;
	};
	for (int index = 0; index < 16; ++index)
	{
		std::string key = "hostpci" + std::to_string(index);
		if (!vm.config.count(key))
			continue;
		std::map<std::string, std::string> properties = schema::parseProperties(vm.config[key], "host");
		std::string pcie = properties["pcie"];
		if ((pcie == "1" || pcie == "on" || pcie == "yes" || pcie == "true") && !q35)
			return "q35 machine model is not enabled at /usr/share/perl5/PVE/QemuServer/PCI.pm line 503.";
		if (properties.count("host"))
		{
			std::string path = properties["host"];
			if (std::int64_t owner = inUseBy(path))
				return "PCI device '" + path + "' already in use by VMID '" + std::to_string(owner) + "'";
			chosen.push_back(path);
			continue;
		}
		std::string mapping = properties["mapping"];
		bool known = false;
		std::string free;
		for (const FakeGpuOptions& gpu : _options.gpus)
		{
			if (gpu.mapping != mapping || gpu.node != vm.node)
				continue;
			known = true;
			bool taken = inUseBy(gpu.path) != 0 || std::find(chosen.begin(), chosen.end(), gpu.path) != chosen.end();
			if (!taken && free.empty())
				free = gpu.path;
		}
		if (!known)
			return "PCI device mapping not found for '" + mapping + "'";
		if (free.empty())
			return "could not find a free device for '" + key + "'";
		chosen.push_back(free);
	}
	setRunning(vm, true);
	vm.assignedDevices = chosen;
	if (vm.config["bios"] == "ovmf" && !vm.config.count("efidisk0"))
		return "WARNINGS: 1";
	return "OK";
}

void FakeCluster::stopVmNow(FakeVm& vm)
{
	if (vm.running)
		setRunning(vm, false);
}

Poco::Dynamic::Var FakeCluster::powerAction(const FakeRequest& request, const std::string& node,
	const std::string& vmidText, const std::string& action)
{
	auto allowed = actionParams().find(action);
	if (allowed == actionParams().end())
		throw FakeError(501, "Method 'POST /api2/json" + request.path + "' not implemented");
	for (const auto& entry : request.params)
	{
		if (!allowed->second.count(entry.first))
			throw paramError(entry.first,
				"property is not defined in schema and the schema does not allow additional properties");
	}
	for (const char* flag : {"skiplock", "keepActive", "overrule-shutdown", "forceStop"})
		schema::boolean(request.params, flag, false);
	if (schema::boolean(request.params, "skiplock", false) && !request.principal.isRootPam())
		throw paramError("skiplock", "Only root may use this option.");
	requirePrivilege(request.principal, "/vms/" + vmidText, "VM.PowerMgmt");

	FakeVm* found = findVm(std::stoll(vmidText));
	if (!found || found->node != node)
	{
		if (action == "start")
		{
			// A start of a missing VM is accepted; its task fails.
			std::string text = "Configuration file 'nodes/" + node + "/qemu-server/" + vmidText + ".conf' does not exist";
			return startTask(node, "qmstart", vmidText, request.principal, _options.taskDuration,
				[text](FakeTask&) { return text; }, nullptr).upid;
		}
		requireVm(node, vmidText);
	}
	FakeVm& vm = *found;
	std::int64_t vmid = vm.vmid;
	auto withVm = [this, vmid](const std::function<std::string(FakeVm&)>& body) {
		return [this, vmid, body](FakeTask& task) -> std::string {
			FakeVm* target = findVm(vmid);
			if (!target)
				return "Configuration file 'nodes/" + task.node + "/qemu-server/" + std::to_string(vmid)
					+ ".conf' does not exist";
			if (!task.injectedFailure.empty())
				return task.injectedFailure;
			return body(*target);
		};
	};

	if (action == "start")
		return startTask(node, "qmstart", vmidText, request.principal, _options.taskDuration,
			withVm([this](FakeVm& target) { return startVmNow(target); }), &vm).upid;
	if (action == "stop")
	{
		bool overrule = schema::boolean(request.params, "overrule-shutdown", false);
		if (overrule)
			vm.flockUntil = Clock::now();
		return startTask(node, "qmstop", vmidText, request.principal, _options.taskDuration,
			withVm([this](FakeVm& target) { stopVmNow(target); return std::string("OK"); }), &vm).upid;
	}
	if (action == "shutdown")
	{
		bool forceStop = schema::boolean(request.params, "forceStop", false);
		std::string timeoutText = schema::single(request.params, "timeout");
		auto timeout = std::chrono::milliseconds(std::stoll(timeoutText.empty() ? "60" : timeoutText) * 1000);
		bool cooperative = _options.guestHonoursShutdown || !vm.running;
		auto duration = cooperative ? _options.shutdownDuration : timeout;
		return startTask(node, "qmshutdown", vmidText, request.principal, duration,
			withVm([this, cooperative, forceStop](FakeVm& target) -> std::string {
				if (!target.running || cooperative || forceStop)
				{
					stopVmNow(target);
					return "OK";
				}
				return "VM quit/powerdown failed - got timeout";
			}),
			&vm).upid;
	}
	// reboot and reset need a running VM before any task starts.
	if (!vm.running)
		throw dieError("VM " + vmidText + " not running");
	std::string type = action == "reboot" ? "qmreboot" : "qmreset";
	return startTask(node, type, vmidText, request.principal, _options.taskDuration,
		withVm([this](FakeVm& target) -> std::string {
			if (!target.running)
				return "VM " + std::to_string(target.vmid) + " not running";
			stopVmNow(target);
			return startVmNow(target);
		}),
		&vm).upid;
}

Poco::Dynamic::Var FakeCluster::currentStatus(const FakeRequest& request, const std::string& node,
	const std::string& vmidText)
{
	FakeVm& vm = requireVm(node, vmidText);
	requirePrivilege(request.principal, "/vms/" + vmidText, "VM.Audit");
	auto uptime = vm.running
		? std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - vm.startedAt).count()
		: 0;
	std::int64_t memoryMb = std::stoll(vm.config.count("memory") ? vm.config["memory"] : "512");
	std::int64_t maxMemory = memoryMb * 1024 * 1024;
	Poco::JSON::Object::Ptr status = new Poco::JSON::Object;
	status->set("vmid", vm.vmid);
	status->set("name", vm.config["name"]);
	status->set("status", vm.running ? "running" : "stopped");
	status->set("qmpstatus", vm.running ? "running" : "stopped");
	status->set("uptime", uptime);
	status->set("cpus", std::stoll(vm.config.count("cores") ? vm.config["cores"] : "1"));
	status->set("cpu", vm.running ? 0.031 : 0.0);
	status->set("maxmem", maxMemory);
	status->set("mem", vm.running ? maxMemory / 4 : 0);
	status->set("disk", 0);
	status->set("maxdisk", 0);
	status->set("netin", vm.running ? 126554 + uptime * 1000 : 0);
	status->set("netout", vm.running ? 20113 + uptime * 500 : 0);
	status->set("diskread", 0);
	status->set("diskwrite", 0);
	Poco::JSON::Object::Ptr ha = new Poco::JSON::Object;
	ha->set("managed", 0);
	status->set("ha", ha);
	if (vm.config.count("agent") && schema::parseProperties(vm.config["agent"], "enabled")["enabled"] == "1")
		status->set("agent", 1);
	if (vm.config.count("lock"))
		status->set("lock", vm.config["lock"]);
	if (vm.config.count("template"))
		status->set("template", 1);
	if (vm.running)
	{
		status->set("pid", vm.pid);
		status->set("running-machine", "pc-q35-9.2+pve1");
		status->set("running-qemu", "9.2.0");
	}
	return status;
}

Poco::Dynamic::Var FakeCluster::agentInterfaces(const FakeRequest& request, const std::string& node,
	const std::string& vmidText)
{
	FakeVm& vm = requireVm(node, vmidText);
	requirePrivilege(request.principal, "/vms/" + vmidText, _options.version.agentPrivilege);
	if (!vm.config.count("agent") || schema::parseProperties(vm.config["agent"], "enabled")["enabled"] != "1")
		throw dieError("No QEMU guest agent configured");
	if (!vm.running)
		throw dieError("VM " + vmidText + " is not running");
	auto now = Clock::now();
	if (now < vm.startedAt + _options.agentReadyDelay)
		throw dieError("QEMU guest agent is not running");

	Poco::JSON::Array::Ptr interfaces = new Poco::JSON::Array;
	Poco::JSON::Object::Ptr loopback = new Poco::JSON::Object;
	loopback->set("name", "lo");
	loopback->set("hardware-address", "00:00:00:00:00:00");
	Poco::JSON::Array::Ptr loopbackIps = new Poco::JSON::Array;
	loopbackIps->add(address("ipv4", "127.0.0.1", 8));
	loopbackIps->add(address("ipv6", "::1", 128));
	loopback->set("ip-addresses", loopbackIps);
	interfaces->add(loopback);

	std::string mac = lowerMac(vm.config["net0"]);
	Poco::JSON::Object::Ptr nic = new Poco::JSON::Object;
	nic->set("name", "enp6s18");
	nic->set("hardware-address", mac);
	Poco::JSON::Array::Ptr nicIps = new Poco::JSON::Array;
	// The guest reports only its link-local address until DHCP finished.
	if (now >= vm.startedAt + _options.agentReadyDelay + _options.agentAddressDelay)
	{
		std::size_t nodeIndex = 0;
		for (std::size_t i = 0; i < _options.nodes.size(); ++i)
		{
			if (_options.nodes[i].name == vm.node)
				nodeIndex = i;
		}
		nicIps->add(address("ipv4", "10.20." + std::to_string(nodeIndex) + "." + std::to_string(vm.vmid % 200 + 10),
			24));
	}
	nicIps->add(address("ipv6", "fe80::be24:11ff:fe" + mac.substr(9, 2) + ":" + mac.substr(12, 2) + mac.substr(15, 2),
		64));
	nic->set("ip-addresses", nicIps);
	interfaces->add(nic);

	Poco::JSON::Object::Ptr docker = new Poco::JSON::Object;
	docker->set("name", "docker0");
	docker->set("hardware-address", "02:42:8a:1c:00:01");
	interfaces->add(docker);

	Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
	result->set("result", interfaces);
	return result;
}

} // namespace gpucloud::testing::proxmox
