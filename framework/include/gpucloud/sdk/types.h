#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gpucloud::sdk
{

/// Version of the binary interface between the server and hypervisor plugins. It changes whenever a type or a
/// virtual method in the SDK headers changes, and the loader rejects a plugin built against another version.
constexpr std::uint32_t kAbiVersion = 1;

/// Optional features of a backend. The server calls an operation only when the plugin declares the matching flag.
enum class Capability : std::uint32_t
{
	GpuPassthrough = 1u << 0,
	DiskResize = 1u << 1,        ///< resizeDisk() on a stopped VM
	OnlineDiskResize = 1u << 2,  ///< resizeDisk() on a running VM
	GuestIpReporting = 1u << 3,  ///< VmStatus::ipAddresses is filled in
	Metrics = 1u << 4,           ///< VmStatus::cpuPercent, ramPercent and network counters are filled in
	GracefulShutdown = 1u << 5,  ///< stopVm() asks the guest first (ACPI) before forcing it off
	CloudInit = 1u << 6,         ///< VmSpec::credentials reach the guest
	Reboot = 1u << 7,            ///< rebootVm()
};

/// Returns the name of a capability as it appears in configuration, logs and error messages.
inline const char* capabilityName(Capability capability)
{
	switch (capability)
	{
	case Capability::GpuPassthrough: return "gpu_passthrough";
	case Capability::DiskResize: return "disk_resize";
	case Capability::OnlineDiskResize: return "online_disk_resize";
	case Capability::GuestIpReporting: return "guest_ip_reporting";
	case Capability::Metrics: return "metrics";
	case Capability::GracefulShutdown: return "graceful_shutdown";
	case Capability::CloudInit: return "cloud_init";
	case Capability::Reboot: return "reboot";
	}
	return "unknown";
}

/// Identity of a loaded plugin and backend instance.
struct PluginInfo
{
	std::string name;        ///< plugin name, such as "mock" or "libvirt"
	std::string version;     ///< plugin release, free form
	std::uint32_t abiVersion = kAbiVersion;
	std::uint32_t capabilities = 0;  ///< bitwise OR of Capability values

	bool has(Capability capability) const
	{
		return (capabilities & static_cast<std::uint32_t>(capability)) != 0;
	}
};

/// One GPU on a node.
struct GpuDevice
{
	std::string type;          ///< GPU type code used by the catalogue and pricing, such as "5090"
	std::string model;         ///< marketing name, such as "RTX 5090"
	std::uint64_t vramMb = 0;
	std::string address;       ///< PCI address (0000:3b:00.0) or mapping name; unique on its node
	std::string assignedVmId;  ///< id of the VM the backend has this GPU assigned to; empty when free
};

enum class NodeStatus
{
	Online,
	Offline,
};

/// A hypervisor host as the backend reports it.
struct NodeInfo
{
	std::string name;  ///< unique across all backends of one server
	NodeStatus status = NodeStatus::Online;
	std::string statusReason;  ///< why the node is offline; empty when online
	std::string location;
	std::string cpuModel;
	std::uint32_t cpuCores = 0;
	std::uint64_t ramMb = 0;
	std::uint64_t storageTotalGb = 0;
	std::uint64_t storageFreeGb = 0;
	std::uint32_t pcieGen = 0;
	std::vector<GpuDevice> gpus;
	std::vector<std::int64_t> templateVmids;  ///< templates that can be cloned on this node
};

/// Login credentials delivered to the guest through cloud-init. The password is a secret: a plugin passes it to
/// the hypervisor and never logs or stores it.
struct Credentials
{
	std::string user = "ubuntu";
	std::vector<std::string> sshPublicKeys;  ///< OpenSSH one-line public keys
	std::string password;                    ///< empty when SSH keys are used
};

/// Everything a backend needs to create one VM.
struct VmSpec
{
	std::string vmId;  ///< the server's VM id (a UUID); the same id on a retried create
	std::string hostname;
	std::string node;
	std::int64_t templateVmid = 0;
	std::uint32_t cpuCores = 1;
	std::uint64_t ramMb = 1024;
	std::uint64_t diskGb = 50;
	std::vector<std::string> gpuAddresses;  ///< GpuDevice::address values on `node`, chosen by the server
	Credentials credentials;
};

/// How the server refers to a VM it created. `backendId` is what createVm() returned; it may be empty when a create
/// was interrupted before the server recorded it, and then the plugin finds the VM by `vmId`.
struct VmRef
{
	std::string vmId;
	std::string node;
	std::string backendId;
	/// GPUs the server has allocated to the VM now. startVm() attaches these; they may differ from the ones given
	/// at create, because a stopped VM holds no GPUs and may get others on the same node when it starts again.
	/// Empty for calls other than startVm(), and for a start that keeps the GPUs the VM was created with.
	std::vector<std::string> gpuAddresses;
};

/// Result of a successful createVm().
struct CreatedVm
{
	std::string backendId;  ///< the backend's own identifier: a domain name, a Proxmox vmid, ...
	std::int64_t vmid = 0;  ///< the hypervisor's VM number where it has one; 0 lets the server assign one
};

enum class PowerState
{
	Running,
	Stopped,
	Paused,
	Unknown,
};

/// Observed state of one VM.
struct VmStatus
{
	std::string vmId;  ///< the server's VM id, or empty for a VM that no server record owns
	std::string node;
	std::string backendId;
	PowerState power = PowerState::Unknown;
	std::vector<std::string> ipAddresses;  ///< guest addresses, routable ones first
	double cpuPercent = -1;                ///< negative when unknown
	double ramPercent = -1;                ///< negative when unknown
	std::uint64_t networkTxBytes = 0;      ///< total bytes sent since the VM started
	std::uint64_t networkRxBytes = 0;
	std::vector<std::string> gpuAddresses;  ///< GPUs the backend has assigned to this VM
	std::uint64_t diskGb = 0;
};

/// Result of a backend health check: one entry per node, plus the backend's own connection.
struct HealthReport
{
	bool healthy = true;
	std::string detail;
	std::map<std::string, std::string> nodes;  ///< node name -> "online" or the reason it is not
};

/// Configuration subtree of one backend instance, with the `backends.<name>.` prefix removed.
using ConfigMap = std::map<std::string, std::string>;

} // namespace gpucloud::sdk
