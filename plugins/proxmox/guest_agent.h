#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "proxmox_context.h"

namespace gpucloud::plugins::proxmox
{

/// Reads guest IP addresses through the QEMU guest agent
/// (GET /nodes/{node}/qemu/{vmid}/agent/network-get-interfaces).
class GuestAgent
{
public:
	explicit GuestAgent(const ProxmoxContext& context);

	/// Returns the guest's usable addresses, routable ones first. The list is empty while the agent is not ready (not
	/// configured, VM not running, agent not responding). Interfaces are matched by `mac` when it is known.
	std::vector<std::string> addresses(const std::string& node, std::int64_t vmid, const std::string& mac);

	/// Polls with backoff until a routable address appears or guest_ip_timeout passes; returns what it has then.
	std::vector<std::string> waitForRoutableAddress(const std::string& node, std::int64_t vmid, const std::string& mac);

private:
	const ProxmoxContext& _context;
};

/// Returns true for addresses worth reporting to a customer: not loopback, link-local or unspecified.
bool isUsableAddress(const std::string& address);

/// Returns true for usable addresses other than IPv6 unique-local ones (fc00::/7). Private IPv4 (RFC 1918) counts as
/// routable, because cloud networks hand it out.
bool isRoutableAddress(const std::string& address);

} // namespace gpucloud::plugins::proxmox
