#pragma once

#include <memory>
#include <string>
#include <vector>

#include "gpucloud/sdk/hypervisor_backend.h"
#include "support/recording_host.h"

namespace gpucloud::testing
{

/// The first GPUs of each type on the default node vm01; the addresses follow the configuration order
/// 5090:4, 4090:2, 6000pro:2.
inline const std::string kVm01First5090 = "0000:01:00.0";
inline const std::string kVm01Second5090 = "0000:11:00.0";
inline const std::string kVm01First4090 = "0000:41:00.0";
inline const std::string kVm01First6000Pro = "0000:61:00.0";

/// Loads libgpucloud_mock.so from the build's plugin folder as backend instance `instance`.
/// Throws PluginLoadError, like the server at start-up.
std::shared_ptr<sdk::HypervisorBackend> loadMock(RecordingHost& host, const sdk::ConfigMap& config = {},
	const std::string& instance = "mock", bool enforceCapabilities = true);

/// Returns a valid spec for template 100 with 8 cores, 32 GB of RAM and a 100 GB disk.
sdk::VmSpec vmSpec(const std::string& vmId, const std::string& node = "vm01",
	const std::vector<std::string>& gpus = {});

sdk::VmRef refTo(const sdk::VmSpec& spec, const sdk::CreatedVm& created);

/// Returns the node, failing the test when the backend does not list it.
sdk::NodeInfo findNode(sdk::HypervisorBackend& backend, const std::string& node);

/// Returns the id of the VM that the GPU is assigned to, empty when it is free.
std::string gpuHolder(sdk::HypervisorBackend& backend, const std::string& node, const std::string& address);

/// Returns the error kind's name, for assertion messages.
std::string kindOf(const sdk::BackendError& error);

} // namespace gpucloud::testing
