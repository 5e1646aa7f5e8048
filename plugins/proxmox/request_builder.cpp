#include "request_builder.h"

#include <cctype>
#include <cmath>

#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

const char* const kHex = "0123456789ABCDEF";

bool isUnreserved(unsigned char c)
{
	return std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~';
}

/// Returns the value of `key=` inside a comma-separated property string.
std::string propertyValue(const std::string& option, const std::string& key)
{
	for (const std::string& part : splitList(option, ','))
	{
		if (startsWith(part, key + "="))
			return part.substr(key.size() + 1);
	}
	return "";
}

} // namespace

std::string percentEncodeStrict(const std::string& text)
{
	std::string encoded;
	encoded.reserve(text.size() * 3);
	for (unsigned char c : text)
	{
		if (isUnreserved(c))
		{
			encoded += static_cast<char>(c);
			continue;
		}
		encoded += '%';
		encoded += kHex[c >> 4];
		encoded += kHex[c & 0x0F];
	}
	return encoded;
}

std::string formEncode(const FormParams& params)
{
	std::string body;
	for (const auto& [key, value] : params)
	{
		if (!body.empty())
			body += '&';
		body += percentEncodeStrict(key);
		body += '=';
		body += percentEncodeStrict(value);
	}
	return body;
}

std::string encodeSshKeys(const std::vector<std::string>& keys)
{
	std::string joined;
	for (const std::string& key : keys)
	{
		std::string line = trim(key);
		if (line.empty())
			continue;
		if (!joined.empty())
			joined += '\n';
		joined += line;
	}
	return percentEncodeStrict(joined);
}

std::string hostpciValue(const std::string& mapping)
{
	return "mapping=" + mapping + ",pcie=1";
}

std::string mappingOfAddress(const std::string& address)
{
	return address.substr(0, address.find('/'));
}

std::string dnsName(const std::string& hostname, const std::string& fallback)
{
	std::string name;
	for (unsigned char c : hostname)
	{
		if (std::isalnum(c) || c == '-' || c == '.')
			name += static_cast<char>(c);
		else if (c == '_' || c == ' ')
			name += '-';
	}
	while (!name.empty() && (name.front() == '-' || name.front() == '.'))
		name.erase(name.begin());
	if (name.size() > 63)
		name.resize(63);
	while (!name.empty() && (name.back() == '-' || name.back() == '.'))
		name.pop_back();
	return name.empty() ? fallback : name;
}

std::string vmPath(const std::string& node, std::int64_t vmid, const std::string& suffix)
{
	return "/nodes/" + node + "/qemu/" + std::to_string(vmid) + suffix;
}

FormParams cloneParams(const CloneRequest& request)
{
	FormParams params{{"newid", std::to_string(request.newVmid)}, {"full", "1"}};
	if (!request.name.empty())
		params.emplace_back("name", request.name);
	if (!request.storage.empty())
		params.emplace_back("storage", request.storage);
	if (!request.pool.empty())
		params.emplace_back("pool", request.pool);
	if (!request.description.empty())
		params.emplace_back("description", request.description);
	return params;
}

FormParams configParams(const ConfigRequest& request)
{
	FormParams params{{"cores", std::to_string(request.cores)}, {"memory", std::to_string(request.memoryMb)},
		{"machine", "q35"}, {"agent", "1"}};
	for (std::size_t i = 0; i < request.gpuMappings.size(); ++i)
		params.emplace_back("hostpci" + std::to_string(i), hostpciValue(request.gpuMappings[i]));
	if (!request.deleteKeys.empty())
	{
		std::string joined;
		for (const std::string& key : request.deleteKeys)
			joined += (joined.empty() ? "" : ",") + key;
		params.emplace_back("delete", joined);
	}
	if (!request.bridge.empty())
		params.emplace_back("net0", "virtio,bridge=" + request.bridge);
	params.emplace_back("ciuser", request.credentials.user);
	if (!request.credentials.password.empty())
		params.emplace_back("cipassword", request.credentials.password);
	if (!request.credentials.sshPublicKeys.empty())
		params.emplace_back("sshkeys", encodeSshKeys(request.credentials.sshPublicKeys));
	if (!request.ipConfig.empty())
		params.emplace_back("ipconfig0", request.ipConfig);
	if (!request.tags.empty())
		params.emplace_back("tags", request.tags);
	if (!request.description.empty())
		params.emplace_back("description", request.description);
	return params;
}

FormParams gpuParams(const std::vector<std::string>& gpuMappings, const std::vector<std::string>& deleteKeys,
	const std::string& description)
{
	FormParams params;
	for (std::size_t i = 0; i < gpuMappings.size(); ++i)
		params.emplace_back("hostpci" + std::to_string(i), hostpciValue(gpuMappings[i]));
	if (!deleteKeys.empty())
	{
		std::string joined;
		for (const std::string& key : deleteKeys)
			joined += (joined.empty() ? "" : ",") + key;
		params.emplace_back("delete", joined);
	}
	params.emplace_back("description", description);
	return params;
}

FormParams resizeParams(const std::string& disk, std::uint64_t sizeGb)
{
	return {{"disk", disk}, {"size", std::to_string(sizeGb) + "G"}};
}

FormParams destroyQuery()
{
	return {{"purge", "1"}, {"destroy-unreferenced-disks", "1"}};
}

FormParams shutdownParams(std::int64_t timeoutSeconds)
{
	return {{"forceStop", "1"}, {"timeout", std::to_string(timeoutSeconds)}};
}

FormParams stopParams()
{
	return {{"overrule-shutdown", "1"}};
}

std::optional<Upid> parseUpid(const std::string& text)
{
	// UPID:<node>:<pid>:<pstart>:<starttime>:<type>:<id>:<user>: with a trailing colon; the id may be empty.
	if (!startsWith(text, "UPID:") || text.back() != ':')
		return std::nullopt;
	std::vector<std::string> fields;
	std::size_t start = 0;
	while (start < text.size())
	{
		std::size_t end = text.find(':', start);
		fields.push_back(text.substr(start, end - start));
		start = end + 1;
	}
	if (fields.size() != 8 || fields[1].empty() || fields[5].empty())
		return std::nullopt;
	for (int i = 2; i <= 4; ++i)
	{
		if (fields[i].empty() || fields[i].size() > 9)
			return std::nullopt;
		for (char c : fields[i])
		{
			if (!std::isxdigit(static_cast<unsigned char>(c)))
				return std::nullopt;
		}
	}
	return Upid{text, fields[1], fields[5], fields[6], fields[7]};
}

std::uint64_t parseDiskSizeGb(const std::string& diskOption)
{
	std::string size = propertyValue(diskOption, "size");
	if (size.empty())
		return 0;
	char unit = static_cast<char>(std::toupper(static_cast<unsigned char>(size.back())));
	std::string number = std::isdigit(static_cast<unsigned char>(size.back())) ? size : size.substr(0, size.size() - 1);
	double value = 0;
	try
	{
		value = std::stod(number);
	}
	catch (const std::exception&)
	{
		return 0;
	}
	double gib = value;
	switch (unit)
	{
	case 'K': gib = value / (1024.0 * 1024.0); break;
	case 'M': gib = value / 1024.0; break;
	case 'G': break;
	case 'T': gib = value * 1024.0; break;
	default: gib = value / (1024.0 * 1024.0 * 1024.0); break;
	}
	return static_cast<std::uint64_t>(std::ceil(gib - 1e-9));
}

std::string parseNetMac(const std::string& netOption)
{
	for (const std::string& part : splitList(netOption, ','))
	{
		std::size_t equals = part.find('=');
		if (equals == std::string::npos)
			continue;
		std::string value = part.substr(equals + 1);
		if (value.size() == 17 && value[2] == ':' && value[5] == ':')
		{
			for (char& c : value)
				c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
			return value;
		}
	}
	return "";
}

std::string parseHostpciMapping(const std::string& hostpciOption)
{
	return propertyValue(hostpciOption, "mapping");
}

} // namespace gpucloud::plugins::proxmox
