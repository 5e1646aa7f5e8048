#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace gpucloud::testing::proxmox
{

/// Behaviour that differs between Proxmox VE releases.
struct FakeVersion
{
	std::string version = "8.4.1";  ///< pve-manager version reported by GET /version
	int major = 8;
	bool resizeReturnsTask = true;        ///< qemu-server 8.0.2 and later: resize returns a UPID, before: null
	bool messageInErrorBody = true;       ///< pve-http-server 5.2.0 and later: error bodies carry "message"
	bool unifiedAuthFailure = false;      ///< pve-manager 9.1.5 and later: every auth failure is "Authentication failed!"
	std::string agentPrivilege = "VM.Monitor";  ///< VM.GuestAgent.Audit from qemu-server 9.0.3 on

	/// Returns the behaviour of a pve-manager version such as "7.4.3", "8.4.1" or "9.1.5".
	static FakeVersion of(const std::string& version);
};

struct FakeNodeOptions
{
	std::string name;
	bool online = true;
	std::uint32_t cores = 64;
	std::uint64_t memoryBytes = 512ull << 30;
	std::string cpuModel = "AMD EPYC 7543 32-Core Processor";
};

struct FakeTemplateOptions
{
	std::int64_t vmid = 9000;
	std::string node = "pve1";
	std::string name = "gpu-tmpl-ubuntu2404";
	std::uint64_t diskGb = 32;
	std::string storage = "local-lvm";
	std::string bios = "seabios";  ///< "ovmf" without efidisk0 makes every start end with WARNINGS: 1
	std::string rawHostpci = "";   ///< a raw hostpci0 (host=...) that only root@pam may clone
};

/// One GPU of a node; `mapping` groups GPUs into a cluster PCI mapping (a pool when it has several per node).
struct FakeGpuOptions
{
	std::string node;
	std::string path;  ///< 0000:41:00.0
	std::string mapping;
	std::string deviceId = "10de:2235";
	std::string deviceName = "GA102GL [A40]";
};

/// An API token: user@realm!name, its secret, and its privileges on every path (empty: all privileges).
struct FakeTokenOptions
{
	std::string id = "gpucloud@pve!plugin";
	std::string secret = "5e0b4c8e-7a51-4a7c-9d7e-2f1f2b7d8a11";
	std::set<std::string> privileges;
	bool expired = false;
};

struct FakeProxmoxOptions
{
	FakeVersion version;
	std::vector<FakeNodeOptions> nodes{{"pve1"}, {"pve2"}};
	std::vector<FakeTemplateOptions> templates{{9000, "pve1"}, {9001, "pve2"}};
	std::vector<FakeGpuOptions> gpus{{"pve1", "0000:41:00.0", "a40"}, {"pve1", "0000:c1:00.0", "a40"},
		{"pve2", "0000:41:00.0", "a40"}};
	std::vector<FakeTokenOptions> tokens{FakeTokenOptions{}};
	std::map<std::string, std::string> users{{"root@pam", "fake-root-password"}};  ///< ticket logins
	std::set<std::string> pools;
	std::map<std::string, std::uint64_t> storages{{"local-lvm", 4000ull << 30}};  ///< name -> size, on every node

	std::int64_t nextIdLower = 100;
	std::int64_t nextIdUpper = 1000000;

	std::chrono::milliseconds cloneDuration{300};   ///< how long a full clone holds the new VM's lock
	std::chrono::milliseconds taskDuration{30};     ///< how long other tasks run
	std::chrono::milliseconds shutdownDuration{50};  ///< how long a cooperative guest takes to shut down
	std::chrono::milliseconds lockWait{10000};      ///< flock wait of config, start, resize and destroy
	std::chrono::milliseconds agentReadyDelay{200};  ///< guest agent answers this long after start
	std::chrono::milliseconds agentAddressDelay{200};  ///< then reports only link-local addresses for this long
	std::chrono::milliseconds resourcesLag{0};      ///< /cluster/resources shows a new VM as "unknown" this long
	std::chrono::milliseconds authFailureDelay{0};  ///< Proxmox delays every 401 by about 3 s
	std::chrono::milliseconds ticketLifetime{2 * 3600 * 1000};
	int storageConcurrency = 0;  ///< parallel clones per storage before the storage lock times out; 0: unlimited
	bool guestHonoursShutdown = true;  ///< false: ACPI shutdown is ignored and only forceStop ends the VM

	std::string certificateDirectory;  ///< where the CA and server certificate are written; empty: a temp folder
};

} // namespace gpucloud::testing::proxmox
