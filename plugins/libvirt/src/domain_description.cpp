#include "domain_description.h"

#include <cstdlib>

#include "domain_xml.h"
#include "xml_document.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

unsigned parseNumber(const std::string& text)
{
	// libvirt writes hostdev addresses in hexadecimal with a 0x prefix; base 0 also accepts decimal.
	return static_cast<unsigned>(std::strtoul(text.c_str(), nullptr, 0));
}

} // namespace

DomainDescription DomainDescription::parse(const std::string& xml)
{
	XmlDocument document(xml);
	document.registerNamespace("g", kMetadataNamespace);

	DomainDescription description;
	description.name = document.text("string(/domain/name)");
	description.vmId = document.text("string(/domain/metadata/g:vm/g:id)");
	description.instanceName = document.text("string(/domain/metadata/g:vm/g:backend)");
	description.templateVmid = std::strtoll(document.text("string(/domain/metadata/g:vm/g:template)").c_str(),
		nullptr, 10);

	const std::string addresses = "/domain/devices/hostdev[@mode='subsystem' and @type='pci']/source/address";
	auto domains = document.textOfEach(addresses, "string(@domain)");
	auto buses = document.textOfEach(addresses, "string(@bus)");
	auto slots = document.textOfEach(addresses, "string(@slot)");
	auto functions = document.textOfEach(addresses, "string(@function)");
	for (std::size_t i = 0; i < buses.size(); ++i)
	{
		description.gpus.push_back(PciAddress{parseNumber(domains[i]), parseNumber(buses[i]), parseNumber(slots[i]),
			parseNumber(functions[i])});
	}

	const std::string sources = "/domain/devices/disk[@type='volume']/source";
	auto pools = document.textOfEach(sources, "string(@pool)");
	auto volumes = document.textOfEach(sources, "string(@volume)");
	for (std::size_t i = 0; i < pools.size(); ++i)
		description.volumes.push_back(VolumeReference{pools[i], volumes[i]});
	return description;
}

} // namespace gpucloud::plugins::libvirt
