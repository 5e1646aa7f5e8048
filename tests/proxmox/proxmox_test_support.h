#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "fake_proxmox_server.h"
#include "gpucloud/sdk/hypervisor_backend.h"
#include "proxmox_backend.h"

namespace gpucloud::testing::proxmox
{

/// HostServices double: records every log line and event, and uses the system clock.
class RecordingHost : public sdk::HostServices
{
public:
	void log(sdk::LogLevel level, const std::string& message) override;
	void publish(const sdk::BackendEvent& event) override;
	std::chrono::system_clock::time_point now() override { return std::chrono::system_clock::now(); }

	std::vector<std::string> lines();
	bool logged(const std::string& part);

private:
	std::mutex _mutex;
	std::vector<std::string> _lines;
};

/// Fake options with short durations, so that a whole lifecycle takes well under a second.
FakeProxmoxOptions fastOptions();

/// Plugin configuration for `server`, pinned by fingerprint, with short poll and retry intervals. `overrides` replace
/// or add keys; an empty value removes the key.
sdk::ConfigMap pluginConfig(FakeProxmoxServer& server, const std::map<std::string, std::string>& overrides = {});

/// Creates the backend directly from the plugin's sources (no dlopen).
std::unique_ptr<sdk::HypervisorBackend> makeBackend(FakeProxmoxServer& server, RecordingHost& host,
	const std::map<std::string, std::string>& overrides = {});

/// A spec for template 9000 on `node` with SSH keys and the given GPUs.
sdk::VmSpec makeSpec(const std::string& vmId, const std::string& node = "pve1",
	std::vector<std::string> gpus = {});

/// Returns the error a call raises; fails the test when it raises none.
template <class Call>
sdk::BackendError expectBackendError(Call&& call)
{
	try
	{
		call();
	}
	catch (const sdk::BackendError& error)
	{
		return error;
	}
	throw std::runtime_error("expected a BackendError, but the call succeeded");
}

/// A syntactically valid ed25519 public key for cloud-init tests.
extern const char* const kSshKey;

} // namespace gpucloud::testing::proxmox
