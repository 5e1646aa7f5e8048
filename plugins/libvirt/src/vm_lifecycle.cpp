#include "vm_lifecycle.h"

#include <algorithm>
#include <mutex>
#include <set>
#include <thread>

#include <libvirt/virterror.h>

#include "cloud_init.h"
#include "domain_xml.h"
#include "hostdev_editor.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

/// Defines a domain after libvirt validated its XML against the RelaxNG schema. Validations that ran at the same
/// time in one process have failed with "Unable to parse RNG ... Error type 'unsignedInt' is not exported by type
/// library" from libxml2, so the definitions of this process are validated one at a time.
virDomainPtr defineValidated(virConnectPtr connection, const std::string& xml)
{
	static std::mutex validation;
	std::lock_guard<std::mutex> lock(validation);
	return virDomainDefineXMLFlags(connection, xml.c_str(), VIR_DOMAIN_DEFINE_VALIDATE);
}

constexpr std::uint64_t kGiB = 1024ull * 1024 * 1024;

bool hasCredentials(const sdk::Credentials& credentials)
{
	return !credentials.sshPublicKeys.empty() || !credentials.password.empty();
}

/// Returns the parsed GPU addresses. Throws BackendError(InvalidRequest) naming `subject` for an address that is
/// not a PCI address and for a GPU listed twice.
std::vector<PciAddress> parseGpus(const std::vector<std::string>& addresses, const std::string& subject)
{
	std::vector<PciAddress> gpus;
	std::set<std::string> seen;
	for (const auto& address : addresses)
	{
		auto parsed = PciAddress::parse(address);
		if (!parsed)
		{
			throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "GPU address '" + address + "' for " + subject
					+ " is not a PCI address such as 0000:3b:00.0");
		}
		if (!seen.insert(parsed->toString()).second)
			throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "GPU '" + address + "' is listed twice for " + subject);
		gpus.push_back(*parsed);
	}
	return gpus;
}

bool sameGpus(const std::vector<PciAddress>& left, const std::vector<PciAddress>& right)
{
	std::set<std::string> leftSet;
	for (const auto& gpu : left)
		leftSet.insert(gpu.toString());
	std::set<std::string> rightSet;
	for (const auto& gpu : right)
		rightSet.insert(gpu.toString());
	return leftSet == rightSet;
}

std::string joinGpus(const std::vector<PciAddress>& gpus)
{
	if (gpus.empty())
		return "none";
	std::string text;
	for (const auto& gpu : gpus)
		text += (text.empty() ? "" : ", ") + gpu.toString();
	return text;
}

int currentState(const NodeSession& session, const ManagedDomain& domain)
{
	int state = VIR_DOMAIN_NOSTATE;
	int reason = 0;
	if (virDomainGetState(domain.handle.get(), &state, &reason, 0) < 0)
		session.fail("virDomainGetState");
	return state;
}

} // namespace

VmLifecycle::VmLifecycle(BackendCore& core) : _core(core)
{
}

void VmLifecycle::validateSpec(const sdk::VmSpec& spec) const
{
	_core.catalog.validateVmId(spec.vmId);
	std::string subject = "VM '" + spec.vmId + "' on node '" + spec.node + "'";
	if (spec.cpuCores == 0 || spec.ramMb < 128 || spec.diskGb == 0)
	{
		throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "Invalid size for " + subject
				+ ": at least 1 CPU core, 128 MB of RAM and 1 GB of disk are required");
	}
	if (_core.settings.templateVolumes.count(spec.templateVmid) == 0)
	{
		throw sdk::BackendError(sdk::ErrorKind::NotFound, "Template " + std::to_string(spec.templateVmid)
				+ " is not configured in libvirt backend '" + _core.settings.instanceName + "' (for " + subject + ")");
	}
	if (hasCredentials(spec.credentials))
		_core.require(sdk::Capability::CloudInit, "credentials for " + subject + " (cloud_init_url is not set)");
	parseGpus(spec.gpuAddresses, subject);
}

void VmLifecycle::requireGpusOnNode(const NodeSession& session, const std::vector<PciAddress>& gpus) const
{
	if (gpus.empty())
		return;
	NodeGpus nodeGpus = _core.gpus.list(session);
	for (const auto& gpu : gpus)
	{
		std::string address = gpu.toString();
		bool known = std::any_of(nodeGpus.gpus.begin(), nodeGpus.gpus.end(),
			[&](const sdk::GpuDevice& device) { return device.address == address; });
		if (!known)
		{
			throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "GPU '" + address + "' is not a GPU of "
					+ session.context());
		}
	}
}

DomainDefinition VmLifecycle::defineFor(const sdk::VmSpec& spec, const std::string& volume) const
{
	const BackendSettings& settings = _core.settings;
	const NodeSettings& node = *settings.findNode(spec.node);
	DomainDefinition definition;
	definition.name = _core.catalog.domainName(spec.vmId);
	definition.title = spec.hostname;
	definition.vmId = spec.vmId;
	definition.instanceName = settings.instanceName;
	definition.templateVmid = spec.templateVmid;
	definition.domainType = settings.domainType;
	definition.machine = settings.machine;
	definition.cpuCores = spec.cpuCores;
	definition.ramMb = spec.ramMb;
	definition.pool = node.pool;
	definition.volume = volume;
	definition.diskFormat = settings.diskFormat;
	definition.diskBus = settings.diskBus;
	definition.network = node.network;
	for (const auto& address : spec.gpuAddresses)
		definition.gpus.push_back(*PciAddress::parse(address));
	if (!settings.cloudInitUrl.empty())
		definition.smbiosSerial = noCloudSerial(settings.cloudInitUrl, settings.cloudInitSecret, spec.vmId);
	return definition;
}

sdk::CreatedVm VmLifecycle::create(const sdk::VmSpec& spec)
{
	Node& node = _core.node(spec.node);
	validateSpec(spec);
	sdk::VmRef ref{spec.vmId, spec.node, "", {}};
	auto guard = _core.lockVm(ref);
	NodeSession session(node, "VM '" + spec.vmId + "'");

	// A retried create finds the domain of the first attempt and returns it.
	if (auto existing = _core.catalog.find(session, ref))
		return sdk::CreatedVm{existing->description.name, 0};

	// The VM holds its GPUs only while it runs, so a GPU that a running VM holds is no reason to fail here.
	requireGpusOnNode(session, parseGpus(spec.gpuAddresses, session.context()));
	std::string domainName = _core.catalog.domainName(spec.vmId);
	std::string volumeName = _core.volumes.diskVolumeName(domainName);
	PoolHandle pool = _core.volumes.openPool(session);
	// A volume left by an interrupted create of the same VM is reused.
	VolumeHandle volume = _core.volumes.find(session, pool.get(), volumeName);
	if (!volume)
	{
		const std::string& base = _core.settings.templateVolumes.at(spec.templateVmid);
		volume = _core.volumes.clone(session, pool.get(), base, volumeName, spec.diskGb * kGiB);
	}

	std::string xml = buildDomainXml(defineFor(spec, volumeName));
	DomainHandle domain(defineValidated(session.connection(), xml));
	if (!domain)
	{
		LibvirtFailure failure = session.failure();
		_core.volumes.remove(session, pool.get(), volumeName);
		throw toBackendError(failure, "virDomainDefineXMLFlags(" + domainName + ")", session.context());
	}
	return sdk::CreatedVm{domainName, 0};
}

ManagedDomain VmLifecycle::require(const NodeSession& session, const sdk::VmRef& vm) const
{
	auto domain = _core.catalog.find(session, vm);
	if (!domain)
		throw sdk::BackendError(sdk::ErrorKind::NotFound, "No domain for " + session.context());
	return std::move(*domain);
}

void VmLifecycle::claimGpusAndStart(const NodeSession& session, const ManagedDomain& domain,
	const std::vector<PciAddress>& gpus) const
{
	// The check, the redefinition and the start happen under the node's GPU lock, so two VMs configured with the
	// same GPU cannot both pass the check.
	std::lock_guard<std::mutex> lock(session.node().gpuMutex());
	if (!gpus.empty())
	{
		auto held = _core.catalog.heldGpus(session);
		for (const auto& gpu : gpus)
		{
			auto holder = held.find(gpu.toString());
			if (holder != held.end() && holder->second != domain.description.vmId)
			{
				throw sdk::BackendError(sdk::ErrorKind::CapacityExhausted, "Cannot start " + session.context()
						+ ": GPU '" + gpu.toString() + "' is in use by VM '" + holder->second + "'");
			}
		}
	}
	if (!sameGpus(gpus, domain.description.gpus))
		redefineGpus(session, domain, gpus);
	if (virDomainCreate(domain.handle.get()) < 0)
		session.fail("virDomainCreate");
}

void VmLifecycle::redefineGpus(const NodeSession& session, const ManagedDomain& domain,
	const std::vector<PciAddress>& gpus) const
{
	// The persistent definition, with secrets such as graphics passwords, so that the redefinition keeps them.
	CString xml(virDomainGetXMLDesc(domain.handle.get(), VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE));
	if (!xml)
		session.fail("virDomainGetXMLDesc");
	std::string updated = replaceGpuHostdevs(xml.get(), gpus);
	const std::string& name = domain.description.name;
	DomainHandle redefined(defineValidated(session.connection(), updated));
	if (!redefined)
		session.fail("virDomainDefineXMLFlags(" + name + ")");
	_core.host.log(sdk::LogLevel::Information, "Redefined domain '" + name + "' of " + session.context()
		+ " with GPUs " + joinGpus(gpus) + " (before: " + joinGpus(domain.description.gpus) + ")");
}

void VmLifecycle::start(const sdk::VmRef& vm)
{
	Node& node = _core.node(vm.node);
	auto guard = _core.lockVm(vm);
	NodeSession session(node, BackendCore::describeVm(vm));
	ManagedDomain domain = require(session, vm);

	if (domain.state == VIR_DOMAIN_PAUSED)
	{
		if (virDomainResume(domain.handle.get()) < 0)
			session.fail("virDomainResume");
		return;
	}
	// A running or paused VM keeps the GPUs it holds.
	if (domain.active())
		return;

	std::vector<PciAddress> gpus = domain.description.gpus;
	if (!vm.gpuAddresses.empty())
	{
		gpus = parseGpus(vm.gpuAddresses, session.context());
		requireGpusOnNode(session, gpus);
	}
	claimGpusAndStart(session, domain, gpus);
}

bool VmLifecycle::waitForShutoff(const NodeSession& session, const ManagedDomain& domain,
	std::chrono::seconds timeout) const
{
	auto deadline = std::chrono::steady_clock::now() + timeout;
	while (true)
	{
		int state = currentState(session, domain);
		if (state == VIR_DOMAIN_SHUTOFF || state == VIR_DOMAIN_CRASHED)
			return true;
		if (std::chrono::steady_clock::now() >= deadline)
			return false;
		std::this_thread::sleep_for(_core.settings.shutdownPoll);
	}
}

void VmLifecycle::forceOff(const NodeSession& session, const ManagedDomain& domain) const
{
	if (virDomainDestroy(domain.handle.get()) == 0)
		return;
	// The domain may have stopped on its own between the state check and the call.
	LibvirtFailure failure = session.failure();
	if (failure.code == VIR_ERR_OPERATION_INVALID && currentState(session, domain) == VIR_DOMAIN_SHUTOFF)
		return;
	throw toBackendError(failure, "virDomainDestroy", session.context());
}

void VmLifecycle::stop(const sdk::VmRef& vm, std::chrono::seconds gracePeriod)
{
	Node& node = _core.node(vm.node);
	auto guard = _core.lockVm(vm);
	NodeSession session(node, BackendCore::describeVm(vm));
	ManagedDomain domain = require(session, vm);
	if (!domain.active())
		return;

	auto timeout = std::min(gracePeriod, _core.settings.shutdownTimeout);
	if (domain.state != VIR_DOMAIN_PAUSED && timeout.count() > 0)
	{
		if (virDomainShutdown(domain.handle.get()) < 0)
		{
			LibvirtFailure failure = session.failure();
			if (currentState(session, domain) == VIR_DOMAIN_SHUTOFF)
				return;
			throw toBackendError(failure, "virDomainShutdown", session.context());
		}
		if (waitForShutoff(session, domain, timeout))
			return;
		_core.host.log(sdk::LogLevel::Warning, "The guest of " + session.context() + " did not shut down within "
			+ std::to_string(timeout.count()) + " s; forcing it off");
	}
	forceOff(session, domain);
}

void VmLifecycle::reboot(const sdk::VmRef& vm)
{
	Node& node = _core.node(vm.node);
	auto guard = _core.lockVm(vm);
	NodeSession session(node, BackendCore::describeVm(vm));
	ManagedDomain domain = require(session, vm);
	if (domain.state != VIR_DOMAIN_RUNNING)
		throw sdk::BackendError(sdk::ErrorKind::Conflict, "Cannot reboot " + session.context() + ": it is not running");
	if (virDomainReboot(domain.handle.get(), 0) < 0)
		session.fail("virDomainReboot");
}

void VmLifecycle::resize(const sdk::VmRef& vm, std::uint64_t diskGb)
{
	Node& node = _core.node(vm.node);
	_core.require(sdk::Capability::DiskResize, "resizeDisk of " + BackendCore::describeVm(vm));
	auto guard = _core.lockVm(vm);
	NodeSession session(node, BackendCore::describeVm(vm));
	ManagedDomain domain = require(session, vm);
	if (domain.active())
		_core.require(sdk::Capability::OnlineDiskResize, "resizeDisk of the running " + BackendCore::describeVm(vm));
	if (domain.description.volumes.empty())
	{
		throw sdk::BackendError(sdk::ErrorKind::Fatal, "Cannot resize " + session.context()
				+ ": its domain has no disk that is a storage pool volume");
	}

	const VolumeReference& disk = domain.description.volumes.front();
	PoolHandle pool(virStoragePoolLookupByName(session.connection(), disk.pool.c_str()));
	if (!pool)
		session.fail("virStoragePoolLookupByName(" + disk.pool + ")");
	VolumeHandle volume = _core.volumes.find(session, pool.get(), disk.volume);
	if (!volume)
	{
		throw sdk::BackendError(sdk::ErrorKind::NotFound, "Disk volume '" + disk.volume + "' in pool '" + disk.pool
				+ "' of " + session.context() + " is missing");
	}
	_core.volumes.grow(session, volume.get(), diskGb * kGiB);
}

void VmLifecycle::destroy(const sdk::VmRef& vm)
{
	Node& node = _core.node(vm.node);
	auto guard = _core.lockVm(vm);
	NodeSession session(node, BackendCore::describeVm(vm));
	std::string domainName = vm.backendId.empty() ? _core.catalog.domainName(vm.vmId) : vm.backendId;
	std::vector<VolumeReference> disks;

	if (auto domain = _core.catalog.find(session, vm))
	{
		if (domain->active())
			forceOff(session, *domain);
		unsigned flags = VIR_DOMAIN_UNDEFINE_MANAGED_SAVE | VIR_DOMAIN_UNDEFINE_SNAPSHOTS_METADATA;
		if (virDomainUndefineFlags(domain->handle.get(), flags) < 0 && session.failure().code != VIR_ERR_NO_DOMAIN)
			session.fail("virDomainUndefineFlags");
		disks = domain->description.volumes;
		domainName = domain->description.name;
	}

	// Delete the domain's own disks, and the disk an interrupted create may have left without a domain. A disk whose
	// name does not start with the domain name (a template's base volume, attached by hand) is left alone.
	PoolHandle pool = _core.volumes.openPool(session);
	_core.volumes.remove(session, pool.get(), _core.volumes.diskVolumeName(domainName));
	for (const auto& disk : disks)
	{
		if (disk.volume.compare(0, domainName.size(), domainName) != 0)
			continue;
		PoolHandle diskPool(virStoragePoolLookupByName(session.connection(), disk.pool.c_str()));
		if (diskPool)
			_core.volumes.remove(session, diskPool.get(), disk.volume);
	}
}

} // namespace gpucloud::plugins::libvirt
