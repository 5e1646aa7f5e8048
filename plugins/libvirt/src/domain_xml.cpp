#include "domain_xml.h"

#include <cstdio>
#include <sstream>

namespace gpucloud::plugins::libvirt
{

namespace
{

std::string hex(unsigned value, int digits)
{
	char buffer[16];
	std::snprintf(buffer, sizeof buffer, "0x%0*x", digits, value);
	return buffer;
}

std::string diskTarget(const std::string& bus)
{
	return bus == "virtio" ? "vda" : "sda";
}

void writeMetadata(std::ostringstream& xml, const DomainDefinition& definition)
{
	xml << "  <metadata>\n"
		<< "    <gpucloud:vm xmlns:gpucloud='" << kMetadataNamespace << "'>\n"
		<< "      <gpucloud:id>" << escapeXml(definition.vmId) << "</gpucloud:id>\n"
		<< "      <gpucloud:backend>" << escapeXml(definition.instanceName) << "</gpucloud:backend>\n"
		<< "      <gpucloud:template>" << definition.templateVmid << "</gpucloud:template>\n"
		<< "    </gpucloud:vm>\n"
		<< "  </metadata>\n";
}

void writeOperatingSystem(std::ostringstream& xml, const DomainDefinition& definition)
{
	if (!definition.smbiosSerial.empty())
	{
		xml << "  <sysinfo type='smbios'>\n"
			<< "    <system>\n"
			<< "      <entry name='serial'>" << escapeXml(definition.smbiosSerial) << "</entry>\n"
			<< "    </system>\n"
			<< "  </sysinfo>\n";
	}
	xml << "  <os>\n"
		<< "    <type arch='x86_64' machine='" << escapeXml(definition.machine) << "'>hvm</type>\n"
		<< "    <boot dev='hd'/>\n";
	if (!definition.smbiosSerial.empty())
		xml << "    <smbios mode='sysinfo'/>\n";
	xml << "  </os>\n"
		<< "  <features>\n"
		<< "    <acpi/>\n"
		<< "    <apic/>\n"
		<< "  </features>\n"
		<< "  <cpu mode='host-passthrough' check='none'/>\n"
		<< "  <clock offset='utc'/>\n"
		<< "  <on_poweroff>destroy</on_poweroff>\n"
		<< "  <on_reboot>restart</on_reboot>\n"
		<< "  <on_crash>destroy</on_crash>\n";
}

void writeDisk(std::ostringstream& xml, const DomainDefinition& definition)
{
	if (definition.diskBus == "scsi")
		xml << "    <controller type='scsi' index='0' model='virtio-scsi'/>\n";
	xml << "    <disk type='volume' device='disk'>\n"
		<< "      <driver name='qemu' type='" << escapeXml(definition.diskFormat) << "' cache='none' discard='unmap'/>\n"
		<< "      <source pool='" << escapeXml(definition.pool) << "' volume='" << escapeXml(definition.volume)
		<< "'/>\n"
		<< "      <target dev='" << diskTarget(definition.diskBus) << "' bus='" << escapeXml(definition.diskBus)
		<< "'/>\n"
		<< "    </disk>\n";
}

void writeGpus(std::ostringstream& xml, const DomainDefinition& definition)
{
	for (const auto& gpu : definition.gpus)
		xml << buildHostdevXml(gpu);
}

} // namespace

std::string buildHostdevXml(const PciAddress& gpu)
{
	std::ostringstream xml;
	xml << "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
		<< "      <source>\n"
		<< "        <address domain='" << hex(gpu.domain, 4) << "' bus='" << hex(gpu.bus, 2) << "' slot='"
		<< hex(gpu.slot, 2) << "' function='" << hex(gpu.function, 1) << "'/>\n"
		<< "      </source>\n"
		<< "    </hostdev>\n";
	return xml.str();
}

std::string escapeXml(const std::string& text)
{
	std::string escaped;
	escaped.reserve(text.size());
	for (char c : text)
	{
		switch (c)
		{
		case '&': escaped += "&amp;"; break;
		case '<': escaped += "&lt;"; break;
		case '>': escaped += "&gt;"; break;
		case '\'': escaped += "&apos;"; break;
		case '"': escaped += "&quot;"; break;
		default: escaped += c; break;
		}
	}
	return escaped;
}

std::string buildDomainXml(const DomainDefinition& definition)
{
	std::ostringstream xml;
	xml << "<domain type='" << escapeXml(definition.domainType) << "'>\n"
		<< "  <name>" << escapeXml(definition.name) << "</name>\n";
	if (!definition.title.empty())
		xml << "  <title>" << escapeXml(definition.title) << "</title>\n";
	writeMetadata(xml, definition);
	xml << "  <memory unit='MiB'>" << definition.ramMb << "</memory>\n"
		<< "  <currentMemory unit='MiB'>" << definition.ramMb << "</currentMemory>\n"
		<< "  <vcpu placement='static'>" << definition.cpuCores << "</vcpu>\n";
	writeOperatingSystem(xml, definition);

	xml << "  <devices>\n";
	writeDisk(xml, definition);
	xml << "    <interface type='network'>\n"
		<< "      <source network='" << escapeXml(definition.network) << "'/>\n"
		<< "      <model type='virtio'/>\n"
		<< "    </interface>\n";
	writeGpus(xml, definition);
	xml << "    <serial type='pty'/>\n"
		<< "    <console type='pty'/>\n"
		<< "    <channel type='unix'>\n"
		<< "      <target type='virtio' name='org.qemu.guest_agent.0'/>\n"
		<< "    </channel>\n"
		<< "    <memballoon model='virtio'>\n"
		<< "      <stats period='10'/>\n"
		<< "    </memballoon>\n"
		<< "  </devices>\n"
		<< "</domain>\n";
	return xml.str();
}

} // namespace gpucloud::plugins::libvirt
