#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "gpucloud/sdk/types.h"

namespace gpucloud::plugins::proxmox
{

/// Check of the Proxmox API's server certificate.
enum class TlsMode
{
	SystemCa,     ///< the system's trusted CA store and the host name
	CaFile,       ///< a CA file, normally the cluster's /etc/pve/pve-root-ca.pem
	Fingerprint,  ///< the SHA-256 fingerprint of the node certificate, chain and name ignored
	Insecure,     ///< no check at all; for labs only
};

/// Location of a catalogue template in Proxmox: a template VM on one node.
struct TemplateLocation
{
	std::string node;
	std::int64_t proxmoxVmid = 0;
};

/// Catalogue data for the GPUs behind one cluster PCI mapping.
struct GpuTypeSettings
{
	std::string type;
	std::string model;
	std::uint64_t vramMb = 0;
};

/// Typed configuration of one backend instance, read once from `backends.<instance>.*`.
struct ProxmoxSettings
{
	std::string instanceName;

	std::string apiUrl;  ///< scheme, host and port, such as https://pve1.example.net:8006
	std::string host;
	std::uint16_t port = 8006;
	std::string tokenId;  ///< user@realm!tokenname
	std::string tokenSecret;

	TlsMode tlsMode = TlsMode::SystemCa;
	std::string caFile;
	std::vector<unsigned char> fingerprint;  ///< 32 bytes in Fingerprint mode

	std::vector<std::string> nodes;  ///< empty: every node of the cluster
	std::string location;
	std::map<std::int64_t, std::vector<TemplateLocation>> templates;  ///< catalogue template id -> locations
	std::string storage;  ///< target storage of full clones; empty: the template's storage
	std::string pool;
	std::string bridge;  ///< when set, net0 is rewritten to virtio on this bridge
	std::string disk = "scsi0";
	std::string ipConfig = "ip=dhcp";
	std::vector<std::string> gpuMappings;  ///< empty: every PCI mapping the token can see
	std::map<std::string, GpuTypeSettings> gpuTypes;  ///< mapping name -> catalogue data

	std::chrono::milliseconds requestTimeout{40000};
	std::chrono::milliseconds cloneTimeout{1800000};
	std::chrono::milliseconds taskTimeout{300000};
	std::chrono::milliseconds lockTimeout{120000};
	std::chrono::milliseconds guestIpTimeout{300000};
	std::chrono::milliseconds pollInterval{1000};
	std::chrono::milliseconds pollMaxInterval{5000};
	std::chrono::milliseconds retryBackoff{1000};
	std::chrono::milliseconds retryMaxBackoff{30000};
	std::chrono::milliseconds taskGracePeriod{5000};  ///< how long "no such task" right after a UPID is tolerated
	int retryAttempts = 5;
	int maxParallelClones = 2;
	bool waitForGuestIp = true;

	/// Returns "backends.<instance>.<key>", the name an operator finds in the INI file.
	std::string fullKey(const std::string& key) const { return "backends." + instanceName + "." + key; }
};

/// Reads and validates the configuration. Throws sdk::BackendError(InvalidRequest) naming the full key of the first
/// missing, unknown or invalid entry.
ProxmoxSettings parseSettings(const std::string& instanceName, const sdk::ConfigMap& config);

/// Parses "AA:BB:..." (32 bytes, colons optional, any case) into bytes; returns an empty vector when malformed.
std::vector<unsigned char> parseFingerprint(const std::string& text);

} // namespace gpucloud::plugins::proxmox
