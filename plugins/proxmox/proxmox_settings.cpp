#include "proxmox_settings.h"

#include <cctype>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>

#include "gpucloud/sdk/errors.h"
#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

using sdk::BackendError;
using sdk::ErrorKind;

class SettingsReader
{
public:
	SettingsReader(ProxmoxSettings& settings, const sdk::ConfigMap& config) : _settings(settings), _config(config) {}

	[[noreturn]] void fail(const std::string& key, const std::string& problem) const
	{
		throw BackendError(ErrorKind::InvalidRequest,
			"Invalid configuration of backend '" + _settings.instanceName + "': key '" + _settings.fullKey(key)
				+ "' " + problem);
	}

	bool has(const std::string& key) const { return _config.count(key) > 0 && !trim(_config.at(key)).empty(); }

	std::string text(const std::string& key, const std::string& fallback = "") const
	{
		auto it = _config.find(key);
		return it == _config.end() ? fallback : trim(it->second);
	}

	std::string required(const std::string& key) const
	{
		if (!has(key))
			fail(key, "is missing");
		return text(key);
	}

	long long integer(const std::string& key, long long fallback, long long minimum, long long maximum) const
	{
		if (!has(key))
			return fallback;
		std::string value = text(key);
		long long parsed = 0;
		if (!parseInteger(value, parsed) || parsed < minimum || parsed > maximum)
		{
			fail(key, "must be an integer from " + std::to_string(minimum) + " to " + std::to_string(maximum)
					+ ", got '" + value + "'");
		}
		return parsed;
	}

	bool boolean(const std::string& key, bool fallback) const
	{
		if (!has(key))
			return fallback;
		std::string value = toLower(text(key));
		if (value == "true" || value == "yes" || value == "on" || value == "1")
			return true;
		if (value == "false" || value == "no" || value == "off" || value == "0")
			return false;
		fail(key, "must be true or false, got '" + text(key) + "'");
	}

	/// Reads "250ms", "30s", "10m" or a plain number of seconds.
	std::chrono::milliseconds duration(const std::string& key, std::chrono::milliseconds fallback) const
	{
		if (!has(key))
			return fallback;
		std::string value = text(key);
		std::size_t digits = 0;
		while (digits < value.size() && std::isdigit(static_cast<unsigned char>(value[digits])))
			++digits;
		std::string unit = trim(value.substr(digits));
		long long amount = 0;
		if (digits == 0 || !parseInteger(value.substr(0, digits), amount))
			fail(key, "must be a duration such as 500ms, 30s or 10m, got '" + value + "'");
		if (unit == "ms")
			return std::chrono::milliseconds(amount);
		if (unit.empty() || unit == "s")
			return std::chrono::seconds(amount);
		if (unit == "m" || unit == "min")
			return std::chrono::minutes(amount);
		fail(key, "has the unknown unit '" + unit + "'; use ms, s or m");
	}

private:
	ProxmoxSettings& _settings;
	const sdk::ConfigMap& _config;
};

const std::set<std::string>& plainKeys()
{
	static const std::set<std::string> keys = {"plugin", "api_url", "token_id", "token_secret", "token_secret_file",
		"tls_ca_file", "tls_fingerprint", "tls_insecure", "nodes", "location", "storage", "pool", "bridge", "disk",
		"ipconfig", "gpu_mappings", "request_timeout", "clone_timeout", "task_timeout", "lock_timeout",
		"guest_ip_timeout", "poll_interval", "poll_max_interval", "retry_backoff", "retry_max_backoff",
		"task_grace_period", "retry_attempts", "max_parallel_clones", "wait_for_guest_ip"};
	return keys;
}

bool isTemplateKey(const std::string& key)
{
	return startsWith(key, "template.");
}

bool isGpuKey(const std::string& key)
{
	return startsWith(key, "gpu.");
}

void readEndpoint(SettingsReader& reader, ProxmoxSettings& settings)
{
	settings.apiUrl = reader.required("api_url");
	std::string rest;
	if (startsWith(settings.apiUrl, "https://"))
		rest = settings.apiUrl.substr(8);
	else
		reader.fail("api_url", "must start with https://, got '" + settings.apiUrl + "'");
	while (!rest.empty() && rest.back() == '/')
		rest.pop_back();
	if (endsWith(rest, "/api2/json"))
		rest.resize(rest.size() - 10);
	if (rest.find('/') != std::string::npos)
		reader.fail("api_url", "must contain only scheme, host and port, got '" + settings.apiUrl + "'");

	std::string host = rest;
	std::string portText;
	if (!rest.empty() && rest.front() == '[')
	{
		std::size_t close = rest.find(']');
		if (close == std::string::npos)
			reader.fail("api_url", "has an unterminated IPv6 address: '" + settings.apiUrl + "'");
		host = rest.substr(1, close - 1);
		if (close + 1 < rest.size() && rest[close + 1] == ':')
			portText = rest.substr(close + 2);
	}
	else if (std::size_t colon = rest.rfind(':'); colon != std::string::npos)
	{
		host = rest.substr(0, colon);
		portText = rest.substr(colon + 1);
	}
	long long port = 8006;
	if (!portText.empty() && (!parseInteger(portText, port) || port < 1 || port > 65535))
		reader.fail("api_url", "has an invalid port: '" + settings.apiUrl + "'");
	if (host.empty())
		reader.fail("api_url", "has no host: '" + settings.apiUrl + "'");
	settings.host = host;
	settings.port = static_cast<std::uint16_t>(port);
	settings.apiUrl = "https://" + rest;
}

void readToken(SettingsReader& reader, ProxmoxSettings& settings)
{
	settings.tokenId = reader.required("token_id");
	std::size_t at = settings.tokenId.find('@');
	std::size_t bang = settings.tokenId.find('!');
	if (at == std::string::npos || bang == std::string::npos || at == 0 || bang < at + 2
		|| bang + 1 == settings.tokenId.size())
	{
		reader.fail("token_id", "must look like user@realm!tokenname, got '" + settings.tokenId + "'");
	}

	bool inlineSecret = reader.has("token_secret");
	bool secretFile = reader.has("token_secret_file");
	if (inlineSecret == secretFile)
		reader.fail("token_secret", "or 'token_secret_file' must be set, exactly one of them");
	if (inlineSecret)
	{
		settings.tokenSecret = reader.text("token_secret");
		return;
	}
	std::string path = reader.text("token_secret_file");
	std::ifstream file(path);
	if (!file)
		reader.fail("token_secret_file", "names a file that cannot be read: '" + path + "'");
	std::stringstream content;
	content << file.rdbuf();
	settings.tokenSecret = trim(content.str());
	if (settings.tokenSecret.empty())
		reader.fail("token_secret_file", "names an empty file: '" + path + "'");
}

void readTls(SettingsReader& reader, ProxmoxSettings& settings)
{
	bool insecure = reader.boolean("tls_insecure", false);
	int modes = (reader.has("tls_ca_file") ? 1 : 0) + (reader.has("tls_fingerprint") ? 1 : 0) + (insecure ? 1 : 0);
	if (modes > 1)
		reader.fail("tls_ca_file", "conflicts with 'tls_fingerprint' or 'tls_insecure'; set only one of the three");
	if (reader.has("tls_ca_file"))
	{
		settings.tlsMode = TlsMode::CaFile;
		settings.caFile = reader.text("tls_ca_file");
		if (!std::ifstream(settings.caFile))
			reader.fail("tls_ca_file", "names a file that cannot be read: '" + settings.caFile + "'");
	}
	else if (reader.has("tls_fingerprint"))
	{
		settings.tlsMode = TlsMode::Fingerprint;
		settings.fingerprint = parseFingerprint(reader.text("tls_fingerprint"));
		if (settings.fingerprint.empty())
			reader.fail("tls_fingerprint", "must be a SHA-256 fingerprint of 32 hex bytes such as AB:CD:..., got '"
					+ reader.text("tls_fingerprint") + "'");
	}
	else if (insecure)
	{
		settings.tlsMode = TlsMode::Insecure;
	}
}

TemplateLocation parseTemplateLocation(SettingsReader& reader, const std::string& key, const std::string& item)
{
	std::size_t colon = item.find(':');
	long long vmid = 0;
	if (colon == std::string::npos || colon == 0 || !parseInteger(item.substr(colon + 1), vmid) || vmid < 100)
		reader.fail(key, "must list node:vmid pairs such as 'pve1:9000, pve2:9001', got '" + item + "'");
	return TemplateLocation{item.substr(0, colon), vmid};
}

void readTemplates(SettingsReader& reader, ProxmoxSettings& settings, const sdk::ConfigMap& config)
{
	for (const auto& [key, value] : config)
	{
		if (!isTemplateKey(key))
			continue;
		long long templateVmid = 0;
		if (!parseInteger(key.substr(9), templateVmid))
			reader.fail(key, "must be template.<template_vmid> with a number, such as template.9000");
		std::vector<TemplateLocation> locations;
		std::set<std::string> seenNodes;
		for (const std::string& item : splitList(value, ','))
		{
			TemplateLocation location = parseTemplateLocation(reader, key, item);
			if (!seenNodes.insert(location.node).second)
				reader.fail(key, "names node '" + location.node + "' twice");
			locations.push_back(location);
		}
		if (locations.empty())
			reader.fail(key, "is empty; list node:vmid pairs");
		settings.templates[templateVmid] = locations;
	}
}

void readGpuTypes(SettingsReader& reader, ProxmoxSettings& settings, const sdk::ConfigMap& config)
{
	for (const auto& [key, value] : config)
	{
		if (!isGpuKey(key))
			continue;
		std::size_t dot = key.rfind('.');
		std::string mapping = key.substr(4, dot > 4 ? dot - 4 : 0);
		std::string field = key.substr(dot + 1);
		if (mapping.empty() || dot <= 4)
			reader.fail(key, "must be gpu.<mapping>.type, gpu.<mapping>.model or gpu.<mapping>.vram_mb");
		GpuTypeSettings& type = settings.gpuTypes[mapping];
		if (field == "type")
			type.type = trim(value);
		else if (field == "model")
			type.model = trim(value);
		else if (field == "vram_mb")
			type.vramMb = static_cast<std::uint64_t>(reader.integer(key, 0, 0, 1 << 24));
		else
			reader.fail(key, "is unknown; a GPU mapping takes type, model and vram_mb");
	}
}

void readTimings(SettingsReader& reader, ProxmoxSettings& settings)
{
	settings.requestTimeout = reader.duration("request_timeout", settings.requestTimeout);
	settings.cloneTimeout = reader.duration("clone_timeout", settings.cloneTimeout);
	settings.taskTimeout = reader.duration("task_timeout", settings.taskTimeout);
	settings.lockTimeout = reader.duration("lock_timeout", settings.lockTimeout);
	settings.guestIpTimeout = reader.duration("guest_ip_timeout", settings.guestIpTimeout);
	settings.pollInterval = reader.duration("poll_interval", settings.pollInterval);
	settings.pollMaxInterval = reader.duration("poll_max_interval", settings.pollMaxInterval);
	settings.retryBackoff = reader.duration("retry_backoff", settings.retryBackoff);
	settings.retryMaxBackoff = reader.duration("retry_max_backoff", settings.retryMaxBackoff);
	settings.taskGracePeriod = reader.duration("task_grace_period", settings.taskGracePeriod);
	settings.retryAttempts = static_cast<int>(reader.integer("retry_attempts", settings.retryAttempts, 1, 100));
	settings.maxParallelClones
		= static_cast<int>(reader.integer("max_parallel_clones", settings.maxParallelClones, 1, 64));
	settings.waitForGuestIp = reader.boolean("wait_for_guest_ip", settings.waitForGuestIp);
	if (settings.requestTimeout.count() <= 0)
		reader.fail("request_timeout", "must be positive");
	if (settings.pollInterval.count() <= 0)
		reader.fail("poll_interval", "must be positive");
	if (settings.pollMaxInterval < settings.pollInterval)
		reader.fail("poll_max_interval", "must not be shorter than poll_interval");
}

} // namespace

std::vector<unsigned char> parseFingerprint(const std::string& text)
{
	std::string hex;
	for (char c : text)
	{
		if (c == ':' || c == ' ')
			continue;
		if (!std::isxdigit(static_cast<unsigned char>(c)))
			return {};
		hex += c;
	}
	if (hex.size() != 64)
		return {};
	std::vector<unsigned char> bytes;
	for (std::size_t i = 0; i < hex.size(); i += 2)
		bytes.push_back(static_cast<unsigned char>(std::stoi(hex.substr(i, 2), nullptr, 16)));
	return bytes;
}

ProxmoxSettings parseSettings(const std::string& instanceName, const sdk::ConfigMap& config)
{
	ProxmoxSettings settings;
	settings.instanceName = instanceName;
	SettingsReader reader(settings, config);

	for (const auto& entry : config)
	{
		if (!plainKeys().count(entry.first) && !isTemplateKey(entry.first) && !isGpuKey(entry.first))
			reader.fail(entry.first, "is unknown");
	}

	readEndpoint(reader, settings);
	readToken(reader, settings);
	readTls(reader, settings);
	settings.nodes = splitList(reader.text("nodes"), ',');
	settings.location = reader.text("location");
	settings.storage = reader.text("storage");
	settings.pool = reader.text("pool");
	settings.bridge = reader.text("bridge");
	settings.disk = reader.text("disk", settings.disk);
	settings.ipConfig = reader.text("ipconfig", settings.ipConfig);
	settings.gpuMappings = splitList(reader.text("gpu_mappings"), ',');
	readTemplates(reader, settings, config);
	readGpuTypes(reader, settings, config);
	readTimings(reader, settings);
	return settings;
}

} // namespace gpucloud::plugins::proxmox
