#pragma once

#include <string>
#include <vector>

#include <Poco/Net/Context.h>

#include "proxmox_settings.h"

namespace gpucloud::plugins::proxmox
{

/// The TLS client context of one backend instance, set up for one of the TlsMode checks. With a fingerprint pin the
/// check runs inside the handshake, so nothing (least of all the token) is sent to a server that fails it.
class TlsPolicy
{
public:
	explicit TlsPolicy(const ProxmoxSettings& settings);
	~TlsPolicy();

	TlsPolicy(const TlsPolicy&) = delete;
	TlsPolicy& operator=(const TlsPolicy&) = delete;

	Poco::Net::Context::Ptr context() const { return _context; }

	/// Describes why the last handshake on this thread failed the pin, or returns an empty string.
	static std::string lastPinFailure();

private:
	std::vector<unsigned char> _fingerprint;
	Poco::Net::Context::Ptr _context;
};

/// Formats bytes as upper-case hex pairs joined by ':', the way Proxmox shows fingerprints.
std::string formatFingerprint(const std::vector<unsigned char>& bytes);

} // namespace gpucloud::plugins::proxmox
