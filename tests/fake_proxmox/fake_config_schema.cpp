#include <cctype>
#include <regex>

#include "fake_cluster.h"

namespace gpucloud::testing::proxmox::schema
{

namespace
{

bool startsWithIndexed(const std::string& key, const std::string& prefix, int maximum)
{
	if (key.rfind(prefix, 0) != 0 || key.size() == prefix.size())
		return false;
	std::string number = key.substr(prefix.size());
	if (!std::all_of(number.begin(), number.end(), [](unsigned char c) { return std::isdigit(c); }))
		return false;
	return std::stoi(number) <= maximum;
}

bool isConfigKey(const std::string& key)
{
	static const std::set<std::string> plain = {"name", "description", "tags", "cores", "sockets", "memory", "balloon",
		"machine", "bios", "agent", "ostype", "boot", "scsihw", "vga", "cpu", "onboot", "ciuser", "cipassword",
		"sshkeys", "citype", "cicustom", "ciupgrade", "nameserver", "searchdomain", "efidisk0", "protection"};
	return plain.count(key) || startsWithIndexed(key, "hostpci", 15) || startsWithIndexed(key, "ipconfig", 31)
		|| startsWithIndexed(key, "net", 31) || startsWithIndexed(key, "scsi", 30) || startsWithIndexed(key, "ide", 3);
}

bool parsePropertyBoolean(const std::string& value, bool& result)
{
	static const std::set<std::string> yes = {"1", "on", "yes", "true"};
	static const std::set<std::string> no = {"0", "off", "no", "false"};
	result = yes.count(value) > 0;
	return yes.count(value) || no.count(value);
}

std::string requireInteger(const std::string& key, const std::string& value, long long minimum)
{
	static const std::regex integer("^[+-]?[0-9]+$");
	if (!std::regex_match(value, integer))
		throw paramError(key, "type check ('integer') failed - got '" + value + "'");
	if (std::stoll(value) < minimum)
		throw paramError(key, "value must have a minimum value of " + std::to_string(minimum));
	return value;
}

/// Decodes %XX only; URI::Escape does not turn '+' into a space.
std::string uriUnescape(const std::string& text)
{
	std::string decoded;
	for (std::size_t i = 0; i < text.size(); ++i)
	{
		if (text[i] == '%' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1]))
			&& std::isxdigit(static_cast<unsigned char>(text[i + 2])))
		{
			decoded += static_cast<char>(std::stoi(text.substr(i + 1, 2), nullptr, 16));
			i += 2;
		}
		else
		{
			decoded += text[i];
		}
	}
	return decoded;
}

std::string validateSshKeys(const std::string& value)
{
	static const std::regex urlencoded("^[-%a-zA-Z0-9_.!~*'()]*$");
	if (!std::regex_match(value, urlencoded))
		throw paramError("sshkeys", "invalid format - invalid urlencoded string: " + value);
	static const std::regex keyLine(
		"^(ssh-(rsa|ed25519|dss)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\\.com)"
		" [A-Za-z0-9+/]+={0,2}( .*)?$");
	std::string decoded = uriUnescape(value);
	std::size_t start = 0;
	while (start <= decoded.size())
	{
		std::size_t end = decoded.find('\n', start);
		std::string line = decoded.substr(start, end == std::string::npos ? std::string::npos : end - start);
		if (!line.empty() && line.back() == '\r')
			line.pop_back();
		if (!line.empty() && line[0] != '#' && !std::regex_match(line, keyLine))
			throw dieError("SSH public key validation error");
		if (end == std::string::npos)
			break;
		start = end + 1;
	}
	return value;
}

std::string validateHostpci(const std::string& key, const std::string& value, const Principal& principal)
{
	std::map<std::string, std::string> properties = parseProperties(value, "host");
	static const std::set<std::string> known = {"host", "mapping", "pcie", "x-vga", "rombar", "romfile", "mdev",
		"legacy-igd", "driver", "vendor-id", "device-id", "sub-vendor-id", "sub-device-id"};
	for (const auto& [name, text] : properties)
	{
		if (!known.count(name))
			throw paramError(key, "invalid format - format error " + key + "." + name
					+ ": property is not defined in schema and the schema does not allow additional properties");
		bool flag = false;
		if ((name == "pcie" || name == "x-vga" || name == "rombar" || name == "legacy-igd")
			&& !parsePropertyBoolean(text, flag))
			throw paramError(key, "invalid format - format error " + key + "." + name
					+ ": type check ('boolean') failed - got '" + text + "'");
	}
	bool host = properties.count("host") > 0;
	bool mapping = properties.count("mapping") > 0;
	if (host && mapping)
		throw paramError(key, "Cannot set both 'host' and 'mapping'.");
	if (!host && !mapping)
		throw paramError(key, "Either 'host' or 'mapping' must be set.");
	if (host && !principal.isRootPam())
		throw dieError("only root can set '" + key + "' config for non-mapped devices");
	return value;
}

std::string validateIpConfig(const std::string& key, const std::string& value)
{
	std::map<std::string, std::string> properties = parseProperties(value, "");
	for (const auto& entry : properties)
	{
		if (entry.first != "ip" && entry.first != "gw" && entry.first != "ip6" && entry.first != "gw6")
			throw paramError(key, "invalid format - format error " + key + "." + entry.first
					+ ": property is not defined in schema and the schema does not allow additional properties");
	}
	if (properties.count("gw6") && !properties.count("ip6"))
		throw paramError(key, "invalid format - format error " + key + ".gw6: property requires 'ip6'");
	return value;
}

} // namespace

std::map<std::string, std::string> parseProperties(const std::string& value, const std::string& defaultKey)
{
	std::map<std::string, std::string> properties;
	std::size_t start = 0;
	while (start <= value.size())
	{
		std::size_t end = value.find(',', start);
		std::string part = value.substr(start, end == std::string::npos ? std::string::npos : end - start);
		if (!part.empty())
		{
			std::size_t equals = part.find('=');
			if (equals == std::string::npos)
				properties[defaultKey] = part;
			else
				properties[part.substr(0, equals)] = part.substr(equals + 1);
		}
		if (end == std::string::npos)
			break;
		start = end + 1;
	}
	return properties;
}

bool isDnsName(const std::string& name)
{
	static const std::regex dns("^(([a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?)\\.)*([A-Za-z0-9]([A-Za-z0-9\\-]*[A-Za-z0-9])?)$");
	return std::regex_match(name, dns);
}

void requireKnownConfigKeys(const ParamMap& params, const std::set<std::string>& extra)
{
	for (const auto& entry : params)
	{
		if (!isConfigKey(entry.first) && !extra.count(entry.first))
			throw paramError(entry.first,
				"property is not defined in schema and the schema does not allow additional properties");
	}
}

std::string single(const ParamMap& params, const std::string& key)
{
	auto it = params.find(key);
	if (it == params.end() || it->second.empty())
		return "";
	if (it->second.size() > 1)
		throw paramError(key, "type check ('string') failed - got ARRAY");
	return it->second.front();
}

bool boolean(const ParamMap& params, const std::string& key, bool fallback)
{
	std::string value = single(params, key);
	if (value.empty())
		return fallback;
	if (value != "1" && value != "0")
		throw paramError(key, "type check ('boolean') failed - got '" + value + "'");
	return value == "1";
}

std::string validateConfigValue(const std::string& key, const std::string& value, const Principal& principal)
{
	if (key == "cores" || key == "sockets")
		return requireInteger(key, value, 1);
	if (key == "memory" || key == "balloon")
	{
		std::string amount = value.rfind("current=", 0) == 0 ? value.substr(8) : value;
		return requireInteger(key, amount, key == "memory" ? 16 : 0);
	}
	if (key == "onboot" || key == "protection")
	{
		if (value != "1" && value != "0")
			throw paramError(key, "type check ('boolean') failed - got '" + value + "'");
		return value;
	}
	if (key == "machine")
	{
		static const std::regex machine("^(pc|pc(-i440fx)?-[0-9]+(\\.[0-9]+)+(\\+pve[0-9]+)?|q35|pc-q35-[0-9]+(\\.[0-9]+)+(\\+pve[0-9]+)?)$");
		if (!std::regex_match(value, machine))
			throw paramError(key, "value does not match the regex pattern");
		return value;
	}
	if (key == "agent")
	{
		std::map<std::string, std::string> properties = parseProperties(value, "enabled");
		bool enabled = false;
		if (!parsePropertyBoolean(properties["enabled"], enabled))
			throw paramError(key, "invalid format - format error agent.enabled: type check ('boolean') failed - got '"
					+ properties["enabled"] + "'");
		return value;
	}
	if (key == "name" && !isDnsName(value))
		throw paramError(key, "invalid format - value does not look like a valid DNS name");
	if (key == "tags")
	{
		static const std::regex tags("^([a-zA-Z0-9_][a-zA-Z0-9_\\-+.]*)([;, ]+[a-zA-Z0-9_][a-zA-Z0-9_\\-+.]*)*$");
		if (!std::regex_match(value, tags))
			throw paramError(key, "invalid format - invalid tag list '" + value + "'");
		return value;
	}
	if (key == "sshkeys")
		return validateSshKeys(value);
	if (key == "cipassword")
	{
		bool hashed = value.rfind("$1$", 0) == 0 || value.rfind("$5$", 0) == 0 || value.rfind("$6$", 0) == 0;
		return hashed ? value : "$5$fake$" + std::to_string(std::hash<std::string>{}(value));
	}
	if (key.rfind("hostpci", 0) == 0)
		return validateHostpci(key, value, principal);
	if (key.rfind("ipconfig", 0) == 0)
		return validateIpConfig(key, value);
	return value;
}

std::string configPrivilege(const std::string& key)
{
	if (key == "cores" || key == "sockets" || key == "cpu")
		return "VM.Config.CPU";
	if (key == "memory" || key == "balloon")
		return "VM.Config.Memory";
	if (key.rfind("ci", 0) == 0 || key == "sshkeys" || key.rfind("ipconfig", 0) == 0 || key == "nameserver"
		|| key == "searchdomain")
		return "VM.Config.Cloudinit";
	if (key.rfind("hostpci", 0) == 0 || key == "machine" || key == "bios" || key == "vga" || key == "scsihw")
		return "VM.Config.HWType";
	if (key.rfind("net", 0) == 0)
		return "VM.Config.Network";
	if (key.rfind("scsi", 0) == 0 || key.rfind("ide", 0) == 0 || key == "efidisk0")
		return "VM.Config.Disk";
	return "VM.Config.Options";
}

} // namespace gpucloud::testing::proxmox::schema
