#include "state_file.h"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <unistd.h>

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include "backend_error.h"

namespace gpucloud::plugins::mock
{

namespace
{

constexpr int kFormatVersion = 1;

const char* powerName(sdk::PowerState power)
{
	return power == sdk::PowerState::Running ? "running" : "stopped";
}

Poco::JSON::Object::Ptr toJson(const VmRecord& vm)
{
	Poco::JSON::Object::Ptr object = new Poco::JSON::Object;
	object->set("vm_id", vm.vmId);
	object->set("backend_id", vm.backendId);
	object->set("vmid", static_cast<Poco::Int64>(vm.vmid));
	object->set("node", vm.node);
	object->set("hostname", vm.hostname);
	object->set("template_vmid", static_cast<Poco::Int64>(vm.templateVmid));
	object->set("cpu_cores", static_cast<Poco::UInt64>(vm.cpuCores));
	object->set("ram_mb", static_cast<Poco::UInt64>(vm.ramMb));
	object->set("disk_gb", static_cast<Poco::UInt64>(vm.diskGb));
	Poco::JSON::Array::Ptr gpus = new Poco::JSON::Array;
	for (const std::string& address : vm.gpuAddresses)
		gpus->add(address);
	object->set("gpu_addresses", gpus);
	object->set("power", std::string(powerName(vm.power)));
	object->set("started_at_ms", static_cast<Poco::Int64>(vm.startedAtMs));
	return object;
}

VmRecord fromJson(const Poco::JSON::Object& object)
{
	VmRecord vm;
	vm.vmId = object.getValue<std::string>("vm_id");
	vm.backendId = object.getValue<std::string>("backend_id");
	vm.vmid = object.getValue<Poco::Int64>("vmid");
	vm.node = object.getValue<std::string>("node");
	vm.hostname = object.getValue<std::string>("hostname");
	vm.templateVmid = object.getValue<Poco::Int64>("template_vmid");
	vm.cpuCores = static_cast<std::uint32_t>(object.getValue<Poco::UInt64>("cpu_cores"));
	vm.ramMb = object.getValue<Poco::UInt64>("ram_mb");
	vm.diskGb = object.getValue<Poco::UInt64>("disk_gb");
	Poco::JSON::Array::Ptr gpus = object.getArray("gpu_addresses");
	if (!gpus)
		throw Poco::DataFormatException("gpu_addresses is not an array");
	for (std::size_t i = 0; i < gpus->size(); ++i)
		vm.gpuAddresses.push_back(gpus->getElement<std::string>(static_cast<unsigned>(i)));
	// Files written before GPUs were held only while a VM runs also contain "gpus_held", which is ignored: the
	// power state alone decides whether a VM holds its GPUs.
	std::string power = object.getValue<std::string>("power");
	if (power != "running" && power != "stopped")
		throw Poco::DataFormatException("unknown power state '" + power + "'");
	vm.power = power == "running" ? sdk::PowerState::Running : sdk::PowerState::Stopped;
	vm.startedAtMs = object.getValue<Poco::Int64>("started_at_ms");
	return vm;
}

[[noreturn]] void raiseWriteError(const std::string& path, const std::string& step)
{
	raise(sdk::ErrorKind::Fatal, "Cannot write the state file " + quote(path) + ": " + step + " failed: "
			+ std::strerror(errno));
}

// Writes `content` to `path` and flushes it to the disk.
void writeDurably(const std::string& path, const std::string& content)
{
	int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		raiseWriteError(path, "open");
	std::size_t written = 0;
	while (written < content.size())
	{
		ssize_t count = ::write(fd, content.data() + written, content.size() - written);
		if (count < 0 && errno == EINTR)
			continue;
		if (count < 0)
		{
			int saved = errno;
			::close(fd);
			errno = saved;
			raiseWriteError(path, "write");
		}
		written += static_cast<std::size_t>(count);
	}
	if (::fsync(fd) != 0)
	{
		int saved = errno;
		::close(fd);
		errno = saved;
		raiseWriteError(path, "fsync");
	}
	if (::close(fd) != 0)
		raiseWriteError(path, "close");
}

} // namespace

StateFile::StateFile(std::string path) : _path(std::move(path))
{
}

SavedState StateFile::load() const
{
	SavedState state;
	std::ifstream input(_path, std::ios::binary);
	if (!input)
	{
		if (!std::filesystem::exists(_path))
			return state;
		raise(sdk::ErrorKind::InvalidRequest, "Cannot read the state file " + quote(_path));
	}
	std::ostringstream text;
	text << input.rdbuf();
	try
	{
		Poco::JSON::Parser parser;
		Poco::JSON::Object::Ptr root = parser.parse(text.str()).extract<Poco::JSON::Object::Ptr>();
		int format = root->getValue<int>("format");
		if (format != kFormatVersion)
			throw Poco::DataFormatException("unsupported format " + std::to_string(format));
		state.nextVmid = root->getValue<Poco::Int64>("next_vmid");
		Poco::JSON::Array::Ptr vms = root->getArray("vms");
		if (!vms)
			throw Poco::DataFormatException("vms is not an array");
		for (std::size_t i = 0; i < vms->size(); ++i)
		{
			Poco::JSON::Object::Ptr vm = vms->getObject(static_cast<unsigned>(i));
			if (!vm)
				throw Poco::DataFormatException("vms[" + std::to_string(i) + "] is not an object");
			state.vms.push_back(fromJson(*vm));
		}
	}
	catch (const Poco::Exception& error)
	{
		raise(sdk::ErrorKind::InvalidRequest, "The state file " + quote(_path) + " is not valid: "
				+ error.displayText() + "; fix or delete it");
	}
	return state;
}

void StateFile::save(const std::vector<const VmRecord*>& vms, std::int64_t nextVmid) const
{
	Poco::JSON::Object root;
	root.set("format", kFormatVersion);
	root.set("next_vmid", static_cast<Poco::Int64>(nextVmid));
	Poco::JSON::Array::Ptr array = new Poco::JSON::Array;
	for (const VmRecord* vm : vms)
		array->add(toJson(*vm));
	root.set("vms", array);
	std::ostringstream text;
	root.stringify(text, 1);
	text << '\n';

	std::string temporary = _path + ".tmp";
	writeDurably(temporary, text.str());
	if (std::rename(temporary.c_str(), _path.c_str()) != 0)
		raiseWriteError(_path, "rename");
}

} // namespace gpucloud::plugins::mock
