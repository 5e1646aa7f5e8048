#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gpucloud/sdk/types.h"

namespace gpucloud::plugins::proxmox
{

/// Request parameters in the order they are sent. Order matters only for readable logs and golden tests.
using FormParams = std::vector<std::pair<std::string, std::string>>;

/// Percent-encodes every byte outside A-Z a-z 0-9 - _ . ~ as %XX with upper-case hex. Proxmox splits form pairs on
/// '&' and ';' and keeps only the text before a second '=', so those bytes must never travel unencoded.
std::string percentEncodeStrict(const std::string& text);

/// Encodes parameters as an application/x-www-form-urlencoded body or query string.
std::string formEncode(const FormParams& params);

/// Encodes SSH public keys for the `sshkeys` option: keys joined by '\n', then strictly percent-encoded once.
/// The form encoder encodes the result a second time, which is what the server expects.
std::string encodeSshKeys(const std::vector<std::string>& keys);

/// Returns the `hostpciN` value that passes one device of a cluster PCI mapping as a PCIe device.
std::string hostpciValue(const std::string& mapping);

/// Returns the mapping name of a GPU address: "a40/0000:41:00.0" and "a40" both give "a40".
std::string mappingOfAddress(const std::string& address);

/// Makes a valid Proxmox VM name (letters, digits, '-' and '.'; no leading or trailing '-'), at most 63 bytes.
/// Returns `fallback` when nothing usable is left.
std::string dnsName(const std::string& hostname, const std::string& fallback);

/// Returns "/nodes/<node>/qemu/<vmid>" followed by `suffix`.
std::string vmPath(const std::string& node, std::int64_t vmid, const std::string& suffix = "");

struct CloneRequest
{
	std::int64_t newVmid = 0;
	std::string name;
	std::string storage;
	std::string pool;
	std::string description;
};

/// Parameters of POST /nodes/{node}/qemu/{template}/clone: always a full clone.
FormParams cloneParams(const CloneRequest& request);

struct ConfigRequest
{
	std::uint32_t cores = 1;
	std::uint64_t memoryMb = 1024;
	std::vector<std::string> gpuMappings;  ///< one hostpciN per entry, in order
	std::vector<std::string> deleteKeys;   ///< keys to remove, such as stale hostpciN entries
	sdk::Credentials credentials;
	std::string ipConfig;
	std::string bridge;
	std::string tags;
	std::string description;
};

/// Parameters of POST /nodes/{node}/qemu/{vmid}/config for a new VM.
FormParams configParams(const ConfigRequest& request);

/// Parameters of POST /nodes/{node}/qemu/{vmid}/config that attach other GPUs to a stopped VM: one hostpciN per
/// mapping, the stale hostpciN entries deleted, and the description that records the new addresses.
FormParams gpuParams(const std::vector<std::string>& gpuMappings, const std::vector<std::string>& deleteKeys,
	const std::string& description);

/// Parameters of PUT /nodes/{node}/qemu/{vmid}/resize to an absolute size.
FormParams resizeParams(const std::string& disk, std::uint64_t sizeGb);

/// Query string of DELETE /nodes/{node}/qemu/{vmid}: parameters of DELETE never travel in a body.
FormParams destroyQuery();

/// Parameters of POST .../status/shutdown: ACPI first, forced power-off after `timeoutSeconds`.
FormParams shutdownParams(std::int64_t timeoutSeconds);

/// Parameters of POST .../status/stop: a hard power-off that also aborts a running shutdown task.
FormParams stopParams();

/// Fields of a task id, such as UPID:pve1:0004A3F2:0B1C2D3E:66F2A2C4:qmclone:9000:svc@pve!plugin:
struct Upid
{
	std::string text;
	std::string node;
	std::string type;
	std::string id;
	std::string user;
};

/// Parses a UPID; returns nothing when `text` is not one.
std::optional<Upid> parseUpid(const std::string& text);

/// Returns the size in GiB of a disk option such as "local-lvm:vm-104-disk-0,size=32G", rounded up; 0 when the
/// value has no size.
std::uint64_t parseDiskSizeGb(const std::string& diskOption);

/// Returns the MAC address in a network option such as "virtio=BC:24:11:5E:7A:01,bridge=vmbr0", upper-case.
std::string parseNetMac(const std::string& netOption);

/// Returns the mapping name of a hostpciN value, or an empty string for a raw `host=` device.
std::string parseHostpciMapping(const std::string& hostpciOption);

} // namespace gpucloud::plugins::proxmox
