#include "guest_agent.h"

#include <chrono>

#include "api_error.h"
#include "backoff.h"
#include "json_fields.h"
#include "request_builder.h"
#include "text_util.h"

namespace gpucloud::plugins::proxmox
{

namespace
{

bool isAgentNotReady(const ApiError& error)
{
	return contains(error.text(), "No QEMU guest agent configured") || contains(error.text(), "is not running")
		|| contains(error.text(), "got timeout");
}

bool isVirtualInterface(const std::string& name)
{
	return name == "lo" || startsWith(name, "docker") || startsWith(name, "veth") || startsWith(name, "br-")
		|| startsWith(name, "virbr") || startsWith(name, "cni") || startsWith(name, "flannel");
}

} // namespace

bool isUsableAddress(const std::string& address)
{
	std::string lower = toLower(address);
	if (lower.empty() || lower == "::1" || lower == "::" || lower == "0.0.0.0")
		return false;
	if (startsWith(lower, "127.") || startsWith(lower, "169.254."))
		return false;
	return !(startsWith(lower, "fe8") || startsWith(lower, "fe9") || startsWith(lower, "fea") || startsWith(lower, "feb"));
}

bool isRoutableAddress(const std::string& address)
{
	return isUsableAddress(address) && !startsWith(toLower(address), "fd") && !startsWith(toLower(address), "fc");
}

GuestAgent::GuestAgent(const ProxmoxContext& context) : _context(context)
{
}

std::vector<std::string> GuestAgent::addresses(const std::string& node, std::int64_t vmid, const std::string& mac)
{
	Poco::JSON::Object::Ptr reply;
	try
	{
		reply = asObject(_context.api.get(vmPath(node, vmid, "/agent/network-get-interfaces")));
	}
	catch (const ApiError& error)
	{
		if (error.status() == 500 && isAgentNotReady(error))
			return {};
		throw;
	}
	Poco::JSON::Array::Ptr interfaces = reply->getArray("result");
	std::vector<std::string> routable;
	std::vector<std::string> others;
	for (std::size_t i = 0; interfaces && i < interfaces->size(); ++i)
	{
		Poco::JSON::Object::Ptr interface = interfaces->getObject(i);
		std::string hardware = toLower(stringField(interface, "hardware-address"));
		bool matches = mac.empty() ? !isVirtualInterface(stringField(interface, "name")) : hardware == toLower(mac);
		Poco::JSON::Array::Ptr ips = interface ? interface->getArray("ip-addresses") : nullptr;
		for (std::size_t j = 0; matches && ips && j < ips->size(); ++j)
		{
			std::string address = stringField(ips->getObject(j), "ip-address");
			if (isRoutableAddress(address))
				routable.push_back(address);
			else if (isUsableAddress(address))
				others.push_back(address);
		}
	}
	routable.insert(routable.end(), others.begin(), others.end());
	return routable;
}

std::vector<std::string> GuestAgent::waitForRoutableAddress(const std::string& node, std::int64_t vmid,
	const std::string& mac)
{
	auto deadline = std::chrono::steady_clock::now() + _context.settings.guestIpTimeout;
	Backoff backoff(_context.settings.pollInterval, _context.settings.pollMaxInterval);
	std::vector<std::string> found;
	for (;;)
	{
		found = addresses(node, vmid, mac);
		if (!found.empty() && isRoutableAddress(found.front()))
			return found;
		if (std::chrono::steady_clock::now() >= deadline)
			return found;
		backoff.sleepUntilNext(deadline);
	}
}

} // namespace gpucloud::plugins::proxmox
