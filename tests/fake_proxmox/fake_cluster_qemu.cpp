#include <cmath>
#include <cstdio>
#include <regex>

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include "fake_cluster.h"

namespace gpucloud::testing::proxmox
{

namespace
{

const std::set<std::string> kNumericConfigKeys = {"cores", "sockets", "memory", "balloon", "template", "onboot",
	"protection"};

bool isHotpluggable(const std::string& key)
{
	return !(key.rfind("hostpci", 0) == 0 || key == "machine" || key == "cores" || key == "sockets" || key == "memory"
		|| key == "bios");
}

double sizeInGib(const std::string& size)
{
	if (size.empty())
		return 0;
	char unit = size.back();
	double value = std::stod(std::isdigit(static_cast<unsigned char>(unit)) ? size : size.substr(0, size.size() - 1));
	switch (unit)
	{
	case 'K': return value / (1024.0 * 1024.0);
	case 'M': return value / 1024.0;
	case 'G': return value;
	case 'T': return value * 1024.0;
	default: return value / (1024.0 * 1024.0 * 1024.0);
	}
}

std::string formatGib(double gib)
{
	char buffer[32];
	if (std::fabs(gib - std::round(gib)) < 1e-9)
		std::snprintf(buffer, sizeof buffer, "%lldG", static_cast<long long>(std::llround(gib)));
	else
		std::snprintf(buffer, sizeof buffer, "%lldM", static_cast<long long>(std::llround(gib * 1024)));
	return buffer;
}

std::string replaceProperty(const std::string& option, const std::string& key, const std::string& value)
{
	std::regex property("(^|,)" + key + "=[^,]*");
	return std::regex_replace(option, property, "$1" + key + "=" + value);
}

std::string propertyOf(const std::string& option, const std::string& key)
{
	std::map<std::string, std::string> properties = schema::parseProperties(option, "volume");
	return properties.count(key) ? properties[key] : "";
}

std::int64_t parseNewId(const ParamMap& params)
{
	std::string text = schema::single(params, "newid");
	if (text.empty())
		throw paramError("newid", "property is missing and it is not optional");
	static const std::regex integer("^[0-9]+$");
	if (!std::regex_match(text, integer))
		throw paramError("newid", "type check ('integer') failed - got '" + text + "'");
	std::int64_t id = std::stoll(text);
	if (id < 100 || id > 999999999)
		throw paramError("newid", "invalid format - value does not look like a valid VM ID");
	return id;
}

} // namespace

Poco::Dynamic::Var FakeCluster::listQemu(const std::string& node)
{
	Poco::JSON::Array::Ptr list = new Poco::JSON::Array;
	for (auto& [vmid, vm] : _vms)
	{
		if (vm.node != node)
			continue;
		Poco::JSON::Object::Ptr entry = new Poco::JSON::Object;
		entry->set("vmid", vmid);
		entry->set("name", vm.config["name"]);
		entry->set("status", vm.running ? "running" : "stopped");
		if (vm.config.count("template"))
			entry->set("template", 1);
		list->add(entry);
	}
	return list;
}

Poco::Dynamic::Var FakeCluster::cloneVm(const FakeRequest& request, const std::string& node,
	const std::string& vmidText)
{
	const ParamMap& params = request.params;
	for (const auto& entry : params)
	{
		static const std::set<std::string> allowed = {"newid", "name", "full", "storage", "format", "target", "pool",
			"snapname", "description", "bwlimit"};
		if (!allowed.count(entry.first))
			throw paramError(entry.first,
				"property is not defined in schema and the schema does not allow additional properties");
	}
	std::int64_t newId = parseNewId(params);
	FakeVm* source = findVm(std::stoll(vmidText));
	if (!source || source->node != node)
		throw dieError("unable to find configuration file for VM " + vmidText + " on node '" + node + "'");

	requirePrivilege(request.principal, "/vms/" + vmidText, "VM.Clone");
	requirePrivilege(request.principal, "/vms/" + std::to_string(newId), "VM.Allocate");
	std::string name = schema::single(params, "name");
	if (!name.empty() && !schema::isDnsName(name))
		throw paramError("name", "invalid format - value does not look like a valid DNS name");
	bool isTemplate = source->config.count("template") > 0;
	bool full = schema::boolean(params, "full", !isTemplate);
	std::string storage = schema::single(params, "storage");
	std::string target = schema::single(params, "target");
	std::string pool = schema::single(params, "pool");
	if (!storage.empty() && !full)
		throw dieError("parameter 'storage' not allowed for linked clones");
	std::string sourceStorage = source->config["scsi0"].substr(0, source->config["scsi0"].find(':'));
	if (storage.empty())
		storage = sourceStorage;
	if (!_options.storages.count(storage))
		throw paramError("storage", "storage '" + storage + "' does not exist");
	requirePrivilege(request.principal, "/storage/" + storage, "Datastore.AllocateSpace");
	if (!pool.empty() && !_options.pools.count(pool))
		throw dieError("pool '" + pool + "' does not exist");
	if (!target.empty() && target != node)
		throw dieError("can't clone VM to node '" + target + "' (VM uses local storage)");
	if (source->config.count("lock"))
		throw dieError("VM is locked (" + source->config["lock"] + ")");
	if (source->config.count("hostpci0") && !request.principal.isRootPam()
		&& schema::parseProperties(source->config["hostpci0"], "host").count("host"))
		throw dieError("only root can set 'hostpci0' config for non-mapped devices");
	FakeVm* existing = findVm(newId);
	if (existing && existing->node == node)
		throw dieError("unable to create VM " + std::to_string(newId) + ": config file already exists");

	if (existing)
	{
		// The id is taken on another node: pmxcfs refuses the new config file inside the worker.
		std::string text = "close (rename) atomic file '/etc/pve/nodes/" + node + "/qemu-server/"
			+ std::to_string(newId) + ".conf' failed: File exists";
		FakeTask& task = startTask(node, "qmclone", vmidText, request.principal, _options.taskDuration,
			[text](FakeTask&) { return text; }, nullptr);
		return task.upid;
	}

	FakeVm clone;
	clone.vmid = newId;
	clone.node = node;
	clone.createdAt = Clock::now();
	clone.statusChangedAt = clone.createdAt;
	clone.config = source->config;
	clone.config.erase("template");
	clone.config["lock"] = "clone";
	clone.config["name"] = name.empty() ? "Copy-of-VM-" + source->config["name"] : name;
	clone.config["description"] = schema::single(params, "description");
	if (clone.config["description"].empty())
		clone.config.erase("description");
	std::string disk = source->config["scsi0"];
	clone.config["scsi0"] = storage + ":vm-" + std::to_string(newId) + "-disk-0" + disk.substr(disk.find(','));
	clone.config["net0"] = std::regex_replace(source->config["net0"], std::regex("=[0-9A-F:]{17}"), "=" + newMac());
	if (clone.config.count("ide2"))
		clone.config["ide2"] = storage + ":vm-" + std::to_string(newId) + "-cloudinit,media=cdrom";
	_vms[newId] = clone;
	FakeVm& created = _vms[newId];

	bool storageBusy = _options.storageConcurrency > 0 && _clonesPerStorage[storage] >= _options.storageConcurrency;
	++_clonesRunning;
	++_clonesPerStorage[storage];
	_maxClonesRunning = std::max(_maxClonesRunning, _clonesRunning);
	FakeTask& task = startTask(node, "qmclone", vmidText, request.principal, _options.cloneDuration,
		[this, newId, storage, storageBusy](FakeTask& self) -> std::string {
			--_clonesRunning;
			--_clonesPerStorage[storage];
			std::string failure = self.injectedFailure;
			if (failure.empty() && storageBusy)
				failure = "clone failed: can't lock file '/var/lock/pve-manager/pve-storage-" + storage
					+ "' - got timeout";
			if (!failure.empty())
			{
				// A failed clone removes its disks and config: the new id does not exist afterwards.
				_vms.erase(newId);
				return failure;
			}
			self.log.push_back("transferred 100% of the disk");
			if (FakeVm* vm = findVm(newId))
				vm->config.erase("lock");
			return "OK";
		},
		&created);
	task.log.push_back("create full clone of drive scsi0 (" + disk.substr(0, disk.find(',')) + ")");
	return task.upid;
}

Poco::Dynamic::Var FakeCluster::getConfig(const FakeRequest& request, const std::string& node,
	const std::string& vmidText)
{
	FakeVm& vm = requireVm(node, vmidText);
	requirePrivilege(request.principal, "/vms/" + vmidText, "VM.Audit");
	bool current = schema::boolean(request.params, "current", false);
	std::map<std::string, std::string> config = vm.config;
	if (!current)
	{
		for (const auto& [key, value] : vm.pending)
			config[key] = value;
	}
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
	std::string digestSource;
	for (const auto& [key, value] : config)
	{
		digestSource += key + ": " + value + "\n";
		if (key == "cipassword")
			result->set(key, "**********");
		else if (kNumericConfigKeys.count(key) && !value.empty() && std::isdigit(static_cast<unsigned char>(value[0])))
			result->set(key, std::stoll(value));
		else
			result->set(key, value);
	}
	char digest[24];
	std::snprintf(digest, sizeof digest, "%016zx", std::hash<std::string>{}(digestSource));
	result->set("digest", std::string(digest));
	return result;
}

Poco::Dynamic::Var FakeCluster::updateConfig(const FakeRequest& request, const std::string& node,
	const std::string& vmidText)
{
	FakeVm& vm = requireVm(node, vmidText);
	const ParamMap& params = request.params;
	schema::requireKnownConfigKeys(params, {"delete", "revert", "digest", "skiplock", "background_delay"});
	bool skiplock = schema::boolean(params, "skiplock", false);
	if (skiplock && !request.principal.isRootPam())
		throw paramError("skiplock", "Only root may use this option.");

	std::map<std::string, std::string> changes;
	for (const auto& entry : params)
	{
		const std::string& key = entry.first;
		if (key == "delete" || key == "revert" || key == "digest" || key == "skiplock" || key == "background_delay")
			continue;
		std::string value = schema::single(params, key);
		requirePrivilege(request.principal, "/vms/" + vmidText, schema::configPrivilege(key));
		changes[key] = schema::validateConfigValue(key, value, request.principal);
		if (key.rfind("hostpci", 0) == 0)
		{
			std::string mapping = schema::parseProperties(value, "host")["mapping"];
			if (!mapping.empty())
				requirePrivilege(request.principal, "/mapping/pci/" + mapping, "Mapping.Use");
		}
	}
	std::vector<std::string> deletions;
	std::string deleteList = schema::single(params, "delete");
	for (std::size_t start = 0; !deleteList.empty() && start <= deleteList.size();)
	{
		std::size_t end = deleteList.find_first_of(",; ", start);
		std::string key = deleteList.substr(start, end == std::string::npos ? std::string::npos : end - start);
		if (!key.empty())
		{
			if (changes.count(key))
				throw paramError("delete", "cannot set and delete '" + key + "' at the same time");
			requirePrivilege(request.principal, "/vms/" + vmidText, schema::configPrivilege(key));
			deletions.push_back(key);
		}
		if (end == std::string::npos)
			break;
		start = end + 1;
	}

	// lock_config: wait for the flock, then look at the lock field.
	requireFlock(vm);
	if (vm.config.count("lock") && !skiplock)
		throw dieError("VM is locked (" + vm.config["lock"] + ")");
	std::string digest = schema::single(params, "digest");
	if (!digest.empty())
	{
		std::string currentDigest = getConfig(request, node, vmidText).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("digest");
		if (digest != currentDigest)
			throw dieError("checksum mismatch (file change by other user?)");
	}
	for (const std::string& key : deletions)
	{
		if (vm.running && !isHotpluggable(key))
			vm.pending[key] = "";
		else
			vm.config.erase(key);
	}
	for (const auto& [key, value] : changes)
	{
		if (vm.running && !isHotpluggable(key))
			vm.pending[key] = value;
		else
			vm.config[key] = value;
	}
	if (request.method == "PUT")
		return Poco::Dynamic::Var();
	return startTask(node, "qmconfig", vmidText, request.principal, _options.taskDuration, nullptr, nullptr).upid;
}

Poco::Dynamic::Var FakeCluster::resizeDisk(const FakeRequest& request, const std::string& node,
	const std::string& vmidText)
{
	FakeVm& vm = requireVm(node, vmidText);
	for (const auto& entry : request.params)
	{
		if (entry.first != "disk" && entry.first != "size" && entry.first != "digest" && entry.first != "skiplock")
			throw paramError(entry.first,
				"property is not defined in schema and the schema does not allow additional properties");
	}
	std::string disk = schema::single(request.params, "disk");
	std::string size = schema::single(request.params, "size");
	if (disk.empty())
		throw paramError("disk", "property is missing and it is not optional");
	static const std::regex sizePattern("^\\+?[0-9]+(\\.[0-9]+)?[KMGT]?$");
	if (!std::regex_match(size, sizePattern))
		throw paramError("size", "value does not match the regex pattern");
	requirePrivilege(request.principal, "/vms/" + vmidText, "VM.Config.Disk");

	std::int64_t vmid = vm.vmid;
	auto apply = [this, vmid, disk, size]() -> std::string {
		FakeVm* target = findVm(vmid);
		if (!target)
			return "Configuration file 'nodes/.../qemu-server/" + std::to_string(vmid) + ".conf' does not exist";
		if (target->config.count("lock"))
			throw dieError("VM is locked (" + target->config["lock"] + ")");
		if (!target->config.count(disk))
			throw dieError("disk '" + disk + "' does not exist");
		std::string option = target->config[disk];
		if (option.find("media=cdrom") != std::string::npos)
			throw dieError("you can't resize a cdrom");
		double current = sizeInGib(propertyOf(option, "size"));
		double newSize = size[0] == '+' ? current + sizeInGib(size.substr(1)) : sizeInGib(size);
		if (newSize < current)
			throw dieError("shrinking disks is not supported");
		target->config[disk] = replaceProperty(option, "size", formatGib(newSize));
		return "OK";
	};

	if (_options.version.resizeReturnsTask)
	{
		FakeTask& task = startTask(node, "resize", vmidText, request.principal, _options.taskDuration,
			[apply](FakeTask&) { return apply(); }, &vm);
		return task.upid;
	}
	requireFlock(vm);
	apply();
	return Poco::Dynamic::Var();
}

Poco::Dynamic::Var FakeCluster::destroyVm(const FakeRequest& request, const std::string& node,
	const std::string& vmidText)
{
	for (const auto& entry : request.params)
	{
		if (entry.first != "purge" && entry.first != "destroy-unreferenced-disks" && entry.first != "skiplock")
			throw paramError(entry.first,
				"property is not defined in schema and the schema does not allow additional properties");
	}
	schema::boolean(request.params, "purge", false);
	schema::boolean(request.params, "destroy-unreferenced-disks", false);
	bool skiplock = schema::boolean(request.params, "skiplock", false);
	if (skiplock && !request.principal.isRootPam())
		throw paramError("skiplock", "Only root may use this option.");
	FakeVm& vm = requireVm(node, vmidText);
	requirePrivilege(request.principal, "/vms/" + vmidText, "VM.Allocate");
	if (vm.running)
		throw dieError("VM " + vmidText + " is running - destroy failed");
	if (vm.config["protection"] == "1")
		throw dieError("can't remove VM " + vmidText + " - protection mode enabled");

	std::int64_t vmid = vm.vmid;
	FakeTask& task = startTask(node, "qmdestroy", vmidText, request.principal, _options.taskDuration,
		[this, vmid, skiplock](FakeTask& self) -> std::string {
			FakeVm* target = findVm(vmid);
			if (!target)
				return "Configuration file 'nodes/" + self.node + "/qemu-server/" + std::to_string(vmid)
					+ ".conf' does not exist";
			if (target->config.count("lock") && !skiplock)
				return "VM is locked (" + target->config["lock"] + ")";
			if (target->running)
				return "VM " + std::to_string(vmid) + " is running - destroy failed";
			self.log.push_back("Removing image: 100% complete...done.");
			_vms.erase(vmid);
			return "OK";
		},
		&vm);
	return task.upid;
}

} // namespace gpucloud::testing::proxmox
