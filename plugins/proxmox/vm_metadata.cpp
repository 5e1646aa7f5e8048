#include "vm_metadata.h"

#include <sstream>

#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

const std::string kVmIdPrefix = "gpucloud-vm-id: ";
const std::string kGpusPrefix = "gpucloud-gpus: ";

} // namespace

std::string buildDescription(const VmMetadata& metadata)
{
	std::string text = kVmIdPrefix + metadata.vmId + "\n";
	if (!metadata.gpuAddresses.empty())
	{
		text += kGpusPrefix;
		for (std::size_t i = 0; i < metadata.gpuAddresses.size(); ++i)
			text += (i ? "," : "") + metadata.gpuAddresses[i];
		text += "\n";
	}
	return text;
}

VmMetadata parseDescription(const std::string& description)
{
	VmMetadata metadata;
	std::istringstream lines(description);
	std::string line;
	while (std::getline(lines, line))
	{
		line = trim(line);
		if (startsWith(line, kVmIdPrefix))
			metadata.vmId = trim(line.substr(kVmIdPrefix.size()));
		else if (startsWith(line, kGpusPrefix))
			metadata.gpuAddresses = splitList(line.substr(kGpusPrefix.size()), ',');
	}
	return metadata;
}

bool hasManagedTag(const std::string& tags)
{
	std::string normalized = tags;
	for (char& c : normalized)
	{
		if (c == ',' || c == ' ')
			c = ';';
	}
	for (const std::string& tag : splitList(normalized, ';'))
	{
		if (tag == kManagedTag)
			return true;
	}
	return false;
}

} // namespace gpucloud::plugins::proxmox
