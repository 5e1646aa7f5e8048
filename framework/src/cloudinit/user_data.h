#pragma once

#include <string>

#include "cloudinit/seed_store.h"

namespace gpucloud::cloudinit
{

/// Builds the `#cloud-config` user-data of a seed: the login user with sudo, its SSH keys and, when a password is
/// given, its SHA-512 crypt hash with password login enabled.
std::string buildUserData(const SeedInput& seed);

/// Builds the NoCloud meta-data document: instance-id and local-hostname.
std::string buildMetaData(const std::string& vmId, const std::string& hostname);

/// Returns the SHA-512 crypt(3) hash ("$6$<salt>$...") of `password` with a random 16-character salt.
std::string sha512Crypt(const std::string& password);

/// Returns the lower-case hex HMAC-SHA256 of `vmId` keyed with `secret`: the token in a guest's seed URL.
std::string seedToken(const std::string& secret, const std::string& vmId);

/// Quotes a string as a YAML double-quoted scalar.
std::string yamlQuote(const std::string& text);

} // namespace gpucloud::cloudinit
