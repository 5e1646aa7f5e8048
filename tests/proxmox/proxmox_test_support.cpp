#include "proxmox_test_support.h"

namespace gpucloud::testing::proxmox
{

const char* const kSshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGb+fake/key== ci@runner";

void RecordingHost::log(sdk::LogLevel, const std::string& message)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_lines.push_back(message);
}

void RecordingHost::publish(const sdk::BackendEvent& event)
{
	std::lock_guard<std::mutex> lock(_mutex);
	_lines.push_back("event " + event.kind + " " + event.node + " " + event.vmId + " " + event.detail);
}

std::vector<std::string> RecordingHost::lines()
{
	std::lock_guard<std::mutex> lock(_mutex);
	return _lines;
}

bool RecordingHost::logged(const std::string& part)
{
	for (const std::string& line : lines())
	{
		if (line.find(part) != std::string::npos)
			return true;
	}
	return false;
}

FakeProxmoxOptions fastOptions()
{
	FakeProxmoxOptions options;
	options.cloneDuration = std::chrono::milliseconds(150);
	options.taskDuration = std::chrono::milliseconds(20);
	options.shutdownDuration = std::chrono::milliseconds(30);
	options.agentReadyDelay = std::chrono::milliseconds(80);
	options.agentAddressDelay = std::chrono::milliseconds(80);
	options.lockWait = std::chrono::milliseconds(400);
	return options;
}

sdk::ConfigMap pluginConfig(FakeProxmoxServer& server, const std::map<std::string, std::string>& overrides)
{
	sdk::ConfigMap config = {
		{"plugin", "proxmox"},
		{"api_url", server.url()},
		{"token_id", server.token().id},
		{"token_secret", server.token().secret},
		{"tls_fingerprint", server.tls().serverFingerprint},
		{"nodes", "pve1, pve2"},
		{"template.9000", "pve1:9000, pve2:9001"},
		{"storage", "local-lvm"},
		{"gpu_mappings", "a40"},
		{"gpu.a40.type", "a40"},
		{"gpu.a40.model", "NVIDIA A40"},
		{"gpu.a40.vram_mb", "46068"},
		{"request_timeout", "10s"},
		{"poll_interval", "20ms"},
		{"poll_max_interval", "100ms"},
		{"retry_backoff", "50ms"},
		{"retry_max_backoff", "400ms"},
		{"retry_attempts", "6"},
		{"lock_timeout", "5s"},
		{"task_timeout", "10s"},
		{"clone_timeout", "20s"},
		{"guest_ip_timeout", "5s"},
		{"task_grace_period", "1s"},
	};
	for (const auto& [key, value] : overrides)
	{
		if (value.empty())
			config.erase(key);
		else
			config[key] = value;
	}
	return config;
}

std::unique_ptr<sdk::HypervisorBackend> makeBackend(FakeProxmoxServer& server, RecordingHost& host,
	const std::map<std::string, std::string>& overrides)
{
	sdk::BackendContext context{"pve", pluginConfig(server, overrides), &host};
	return std::unique_ptr<sdk::HypervisorBackend>(plugins::proxmox::createBackend(context));
}

sdk::VmSpec makeSpec(const std::string& vmId, const std::string& node, std::vector<std::string> gpus)
{
	sdk::VmSpec spec;
	spec.vmId = vmId;
	spec.hostname = "runner-" + vmId.substr(0, 8);
	spec.node = node;
	spec.templateVmid = 9000;
	spec.cpuCores = 8;
	spec.ramMb = 16384;
	spec.diskGb = 64;
	spec.gpuAddresses = std::move(gpus);
	spec.credentials.user = "ubuntu";
	spec.credentials.sshPublicKeys = {kSshKey};
	return spec;
}

} // namespace gpucloud::testing::proxmox
