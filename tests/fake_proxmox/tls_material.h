#pragma once

#include <string>

namespace gpucloud::testing::proxmox
{

/// A throwaway certificate authority and a server certificate signed by it, generated at run time (EC P-256) and
/// written as PEM files into `directory`. Like a Proxmox cluster CA and node certificate, the server certificate
/// names 127.0.0.1, ::1 and localhost. Nothing is ever committed to the repository.
struct TlsMaterial
{
	std::string directory;
	std::string caCertificateFile;
	std::string serverCertificateFile;
	std::string serverKeyFile;
	std::string serverFingerprint;  ///< SHA-256 of the server certificate, "AB:CD:..."

	/// Generates the files. Throws std::runtime_error when OpenSSL fails or the directory is not writable.
	static TlsMaterial generate(const std::string& directory, const std::string& commonName = "pve1");
};

} // namespace gpucloud::testing::proxmox
