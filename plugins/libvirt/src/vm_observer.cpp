#include "vm_observer.h"

#include <algorithm>
#include <thread>

#include <libvirt/virterror.h>

namespace gpucloud::plugins::libvirt
{

namespace
{

constexpr std::uint64_t kGiB = 1024ull * 1024 * 1024;

/// Interval between the two statistics samples of a VM seen for the first time.
constexpr std::chrono::milliseconds kFirstSampleInterval(250);

/// A sample older than this is not used for CPU use; a fresh pair of samples is taken instead.
constexpr std::chrono::minutes kSampleMaxAge(10);

unsigned addressSource(IpSource source)
{
	switch (source)
	{
	case IpSource::Agent: return VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_AGENT;
	case IpSource::Arp: return VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_ARP;
	case IpSource::Lease: break;
	}
	return VIR_DOMAIN_INTERFACE_ADDRESSES_SRC_LEASE;
}

bool isLoopbackOrLinkLocal(const std::string& address)
{
	return address.compare(0, 4, "127.") == 0 || address == "::1" || address.compare(0, 4, "fe80") == 0
		|| address.compare(0, 8, "169.254.") == 0;
}

} // namespace

VmObserver::VmObserver(BackendCore& core) : _core(core)
{
}

sdk::VmStatus VmObserver::summarize(const Node& node, const ManagedDomain& domain) const
{
	sdk::VmStatus status;
	status.vmId = domain.description.vmId;
	status.node = node.name();
	status.backendId = domain.description.name;
	status.power = domain.power();
	// A stopped VM holds no GPU: its hostdevs are only claimed again when it starts.
	if (domain.active())
	{
		for (const auto& gpu : domain.description.gpus)
			status.gpuAddresses.push_back(gpu.toString());
	}
	return status;
}

std::vector<std::string> VmObserver::readAddresses(const NodeSession& session, const ManagedDomain& domain) const
{
	virDomainInterfacePtr* interfaces = nullptr;
	int count = virDomainInterfaceAddresses(domain.handle.get(), &interfaces, addressSource(_core.settings.ipSource), 0);
	if (count < 0)
	{
		// No addresses yet (no lease, agent not running) is a normal state of a booting guest.
		LibvirtFailure failure = session.failure();
		_core.host.log(sdk::LogLevel::Debug, "virDomainInterfaceAddresses failed on " + session.context() + ": "
			+ failure.message);
		return {};
	}

	std::vector<std::string> routable;
	std::vector<std::string> local;
	for (int i = 0; i < count; ++i)
	{
		for (unsigned j = 0; j < interfaces[i]->naddrs; ++j)
		{
			std::string address = interfaces[i]->addrs[j].addr != nullptr ? interfaces[i]->addrs[j].addr : "";
			if (!address.empty())
				(isLoopbackOrLinkLocal(address) ? local : routable).push_back(address);
		}
		virDomainInterfaceFree(interfaces[i]);
	}
	std::free(interfaces);
	routable.insert(routable.end(), local.begin(), local.end());
	return routable;
}

std::uint64_t VmObserver::readDiskGb(const NodeSession& session, const ManagedDomain& domain) const
{
	if (domain.description.volumes.empty())
		return 0;
	const VolumeReference& disk = domain.description.volumes.front();
	PoolHandle pool(virStoragePoolLookupByName(session.connection(), disk.pool.c_str()));
	if (!pool)
		return 0;
	VolumeHandle volume = _core.volumes.find(session, pool.get(), disk.volume);
	if (!volume)
		return 0;
	return _core.volumes.capacity(session, volume.get()) / kGiB;
}

StatsSample VmObserver::sample(const NodeSession& session, const ManagedDomain& domain) const
{
	virDomainPtr domains[] = {domain.handle.get(), nullptr};
	virDomainStatsRecordPtr* records = nullptr;
	unsigned groups = VIR_DOMAIN_STATS_CPU_TOTAL | VIR_DOMAIN_STATS_BALLOON | VIR_DOMAIN_STATS_INTERFACE;
	int count = virDomainListGetStats(domains, groups, &records, 0);
	if (count < 0)
		session.fail("virDomainListGetStats");

	StatsSample result;
	result.takenAt = std::chrono::steady_clock::now();
	for (int i = 0; i < count; ++i)
	{
		for (int j = 0; j < records[i]->nparams; ++j)
		{
			const virTypedParameter& parameter = records[i]->params[j];
			switch (parameter.type)
			{
			case VIR_TYPED_PARAM_UINT: result.values[parameter.field] = parameter.value.ui; break;
			case VIR_TYPED_PARAM_ULLONG: result.values[parameter.field] = parameter.value.ul; break;
			case VIR_TYPED_PARAM_LLONG:
				result.values[parameter.field] = static_cast<std::uint64_t>(std::max(0LL, parameter.value.l));
				break;
			default: break;
			}
		}
	}
	virDomainStatsRecordListFree(records);
	return result;
}

void VmObserver::readUsage(const NodeSession& session, const ManagedDomain& domain, sdk::VmStatus& status)
{
	virDomainInfo info;
	if (virDomainGetInfo(domain.handle.get(), &info) < 0)
		session.fail("virDomainGetInfo");

	std::string key = session.node().name() + "/" + domain.description.name;
	StatsSample earlier;
	bool haveEarlier = false;
	{
		std::lock_guard<std::mutex> lock(_samplesMutex);
		auto found = _lastSamples.find(key);
		if (found != _lastSamples.end() && std::chrono::steady_clock::now() - found->second.takenAt < kSampleMaxAge)
		{
			earlier = found->second;
			haveEarlier = true;
		}
	}
	if (!haveEarlier)
	{
		earlier = sample(session, domain);
		std::this_thread::sleep_for(kFirstSampleInterval);
	}
	StatsSample later = sample(session, domain);
	{
		std::lock_guard<std::mutex> lock(_samplesMutex);
		// Samples of VMs that are gone or no longer watched expire here, so the map stays small.
		for (auto entry = _lastSamples.begin(); entry != _lastSamples.end();)
			entry = later.takenAt - entry->second.takenAt >= kSampleMaxAge ? _lastSamples.erase(entry) : std::next(entry);
		_lastSamples[key] = later;
	}

	DomainUsage usage = computeUsage(earlier, later, info.nrVirtCpu);
	status.cpuPercent = usage.cpuPercent;
	status.ramPercent = usage.ramPercent;
	status.networkRxBytes = usage.networkRxBytes;
	status.networkTxBytes = usage.networkTxBytes;
}

sdk::VmStatus VmObserver::status(const sdk::VmRef& vm)
{
	Node& node = _core.node(vm.node);
	NodeSession session(node, BackendCore::describeVm(vm));
	auto domain = _core.catalog.find(session, vm);
	if (!domain)
		throw sdk::BackendError(sdk::ErrorKind::NotFound, "No domain for " + session.context());

	sdk::VmStatus status = summarize(node, *domain);
	status.diskGb = readDiskGb(session, *domain);
	if (domain->state == VIR_DOMAIN_RUNNING)
	{
		status.ipAddresses = readAddresses(session, *domain);
		if (_core.has(sdk::Capability::Metrics))
			readUsage(session, *domain, status);
	}
	return status;
}

std::vector<sdk::VmStatus> VmObserver::list()
{
	std::vector<sdk::VmStatus> statuses;
	std::string offline;
	std::chrono::milliseconds retryAfter{0};
	bool anyOnline = false;
	for (auto& node : _core.nodes())
	{
		std::vector<ManagedDomain> domains;
		try
		{
			NodeSession session(*node, "");
			domains = _core.catalog.list(session);
		}
		catch (const sdk::BackendError& error)
		{
			if (error.kind() != sdk::ErrorKind::Unavailable)
				throw;
			offline += (offline.empty() ? "" : "; ") + std::string(error.what());
			if (retryAfter.count() == 0 || error.retryAfter() < retryAfter)
				retryAfter = error.retryAfter();
			continue;
		}
		anyOnline = true;
		for (const auto& domain : domains)
			statuses.push_back(summarize(*node, domain));
	}
	if (!anyOnline)
	{
		throw sdk::BackendError(sdk::ErrorKind::Unavailable, "libvirt backend '" + _core.settings.instanceName
				+ "' cannot list VMs: no node is online (" + offline + ")", retryAfter);
	}
	return statuses;
}

} // namespace gpucloud::plugins::libvirt
