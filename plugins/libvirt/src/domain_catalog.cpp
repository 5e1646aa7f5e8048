#include "domain_catalog.h"

#include <algorithm>
#include <cctype>

#include <libvirt/virterror.h>

namespace gpucloud::plugins::libvirt
{

bool ManagedDomain::active() const
{
	return state != VIR_DOMAIN_SHUTOFF && state != VIR_DOMAIN_CRASHED && state != VIR_DOMAIN_NOSTATE;
}

sdk::PowerState ManagedDomain::power() const
{
	switch (state)
	{
	case VIR_DOMAIN_RUNNING:
	case VIR_DOMAIN_BLOCKED:
	case VIR_DOMAIN_SHUTDOWN:
		return sdk::PowerState::Running;
	case VIR_DOMAIN_PAUSED:
	case VIR_DOMAIN_PMSUSPENDED:
		return sdk::PowerState::Paused;
	case VIR_DOMAIN_SHUTOFF:
	case VIR_DOMAIN_CRASHED:
		return sdk::PowerState::Stopped;
	default:
		return sdk::PowerState::Unknown;
	}
}

DomainCatalog::DomainCatalog(const BackendSettings& settings) : _settings(settings)
{
}

std::string DomainCatalog::domainName(const std::string& vmId) const
{
	return _settings.namePrefix + vmId;
}

void DomainCatalog::validateVmId(const std::string& vmId) const
{
	bool valid = !vmId.empty() && vmId.size() <= 64 && std::all_of(vmId.begin(), vmId.end(), [](char c) {
		return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
	});
	if (!valid)
	{
		throw sdk::BackendError(sdk::ErrorKind::InvalidRequest, "VM id '" + vmId
				+ "' is invalid for libvirt backend '" + _settings.instanceName
				+ "': use 1 to 64 letters, digits, '-' or '_'");
	}
}

bool DomainCatalog::belongsHere(const DomainDescription& description) const
{
	if (!description.instanceName.empty())
		return description.instanceName == _settings.instanceName;
	return description.name.compare(0, _settings.namePrefix.size(), _settings.namePrefix) == 0;
}

std::optional<ManagedDomain> DomainCatalog::describe(const NodeSession& session, DomainHandle handle) const
{
	ManagedDomain domain;
	int reason = 0;
	if (virDomainGetState(handle.get(), &domain.state, &reason, 0) < 0)
	{
		if (session.failure().code == VIR_ERR_NO_DOMAIN)
			return std::nullopt;
		session.fail("virDomainGetState");
	}
	CString xml(virDomainGetXMLDesc(handle.get(), 0));
	if (!xml)
	{
		if (session.failure().code == VIR_ERR_NO_DOMAIN)
			return std::nullopt;
		session.fail("virDomainGetXMLDesc");
	}
	domain.description = DomainDescription::parse(xml.get());
	domain.handle = std::move(handle);
	domain.foreign = !belongsHere(domain.description);
	return domain;
}

std::optional<ManagedDomain> DomainCatalog::find(const NodeSession& session, const sdk::VmRef& vm) const
{
	std::string name = vm.backendId.empty() ? domainName(vm.vmId) : vm.backendId;
	DomainHandle handle(virDomainLookupByName(session.connection(), name.c_str()));
	if (!handle)
	{
		if (session.failure().code == VIR_ERR_NO_DOMAIN)
			return std::nullopt;
		session.fail("virDomainLookupByName(" + name + ")");
	}

	auto domain = describe(session, std::move(handle));
	if (domain && domain->foreign)
		return std::nullopt;
	if (domain && !vm.vmId.empty() && !domain->description.vmId.empty() && domain->description.vmId != vm.vmId)
		return std::nullopt;
	return domain;
}

std::vector<ManagedDomain> DomainCatalog::list(const NodeSession& session) const
{
	std::vector<ManagedDomain> domains = listAll(session);
	domains.erase(std::remove_if(domains.begin(), domains.end(), [](const ManagedDomain& domain) { return domain.foreign; }),
		domains.end());
	return domains;
}

std::map<std::string, std::string> DomainCatalog::heldGpus(const NodeSession& session) const
{
	std::map<std::string, std::string> held;
	for (const auto& domain : listAll(session))
	{
		if (!domain.active())
			continue;
		const DomainDescription& description = domain.description;
		std::string holder = domain.foreign ? "libvirt:" + description.name
			: description.vmId.empty() ? description.name : description.vmId;
		for (const auto& gpu : description.gpus)
			held[gpu.toString()] = holder;
	}
	return held;
}

std::vector<ManagedDomain> DomainCatalog::listAll(const NodeSession& session) const
{
	virDomainPtr* raw = nullptr;
	int count = virConnectListAllDomains(session.connection(), &raw, 0);
	if (count < 0)
		session.fail("virConnectListAllDomains");

	std::vector<DomainHandle> handles;
	for (int i = 0; i < count; ++i)
		handles.emplace_back(raw[i]);
	std::free(raw);

	std::vector<ManagedDomain> domains;
	for (auto& handle : handles)
	{
		auto domain = describe(session, std::move(handle));
		if (domain)
			domains.push_back(std::move(*domain));
	}
	return domains;
}

} // namespace gpucloud::plugins::libvirt
