#pragma once

#include <array>
#include <string>

namespace gpucloud::vms
{

/// Encrypts the password of a VM being created while it waits in the job queue, so that it is never stored in
/// plain text and still survives a restart of the server. It uses AES-256-GCM with a random 96-bit nonce per
/// message. The VM id is authenticated with the ciphertext, so a sealed password cannot be moved to another VM's job.
///
/// The key is derived with HMAC-SHA-256 from a secret that outlives the process (see makeCredentialBox()). The
/// create job removes the sealed password from its payload once the backend has the VM.
class CredentialBox
{
public:
	using Key = std::array<unsigned char, 32>;

	/// Derives the key from `secret`, which must be at least 32 bytes long.
	explicit CredentialBox(const std::string& secret);

	/// Returns base64(nonce || ciphertext || tag).
	std::string seal(const std::string& plaintext, const std::string& vmId) const;

	/// Reverses seal(). Throws std::runtime_error when the text was altered, sealed for another VM or with
	/// another key.
	std::string open(const std::string& sealed, const std::string& vmId) const;

private:
	Key _key{};
};

/// Returns the secret for the box, in this order: the file `keyFile` when it is set (the operator's choice), the
/// `auth.jwt_secret` or `auth.jwt_secret_file` of the configuration, else a random secret kept in
/// `<dataDir>/vm-credentials.key` (created with mode 0600 on first use). Throws std::runtime_error when a file
/// cannot be read or contains fewer than 32 bytes.
std::string credentialSecret(const std::string& keyFile, const std::string& jwtSecret,
	const std::string& jwtSecretFile, const std::string& dataDir);

} // namespace gpucloud::vms
