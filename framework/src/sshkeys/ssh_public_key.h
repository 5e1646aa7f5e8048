#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace gpucloud::sshkeys
{

/// An OpenSSH public key line that is rejected. The message names the reason and is safe to show to the client.
class InvalidSshKey : public std::invalid_argument
{
public:
	using std::invalid_argument::invalid_argument;
};

/// A parsed and checked OpenSSH public key.
struct SshPublicKey
{
	std::string type;         ///< "ssh-ed25519", "ssh-rsa" or "ecdsa-sha2-nistp256"
	std::string base64;       ///< the key blob as it appeared in the line
	std::string comment;      ///< the text after the blob, possibly empty
	std::vector<unsigned char> blob;  ///< the decoded wire-format blob
	unsigned bits = 0;        ///< key size: the RSA modulus length, 256 for ed25519 and nistp256
	std::string fingerprint;  ///< OpenSSH's "SHA256:<unpadded base64 of SHA-256(blob)>"

	/// Returns "<type> <base64>" plus " <comment>" when there is one: the line handed to cloud-init.
	std::string line() const;
};

/// Smallest RSA modulus accepted, in bits.
constexpr unsigned kMinRsaBits = 2048;

/// Parses one line in OpenSSH's authorized_keys format without options: "<type> <base64 blob> [comment]".
/// Decodes the blob, checks that the type inside it matches the prefix, and checks the key material: an RSA
/// modulus of at least kMinRsaBits bits, a 32-byte ed25519 key, or a nistp256 point that lies on the curve.
/// Throws InvalidSshKey naming the problem for anything else, including other key types.
SshPublicKey parseSshPublicKey(const std::string& text);

/// Returns OpenSSH's SHA-256 fingerprint of a key blob: "SHA256:" and the unpadded base64 of the digest.
std::string sshFingerprint(const std::vector<unsigned char>& blob);

} // namespace gpucloud::sshkeys
