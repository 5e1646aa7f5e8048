#pragma once

#include <string>
#include <vector>

namespace gpucloud::providers::auth
{

/// Single-use 2FA backup codes: 16 base32 characters (80 random bits) shown as "abcd-efgh-ijkl-mnop". Only
/// hashes are stored; SHA-256 suffices because 80 random bits cannot be guessed offline.
namespace backup_codes
{

constexpr std::size_t kCount = 10;

/// Returns `kCount` new codes in display form.
std::vector<std::string> generate();

/// Returns the hash to store for a code typed in any case, with or without dashes and spaces.
std::string hash(const std::string& code);

/// Returns true when `text` could be a backup code (and is not a 6-digit TOTP code).
bool looksLikeBackupCode(const std::string& text);

} // namespace backup_codes

} // namespace gpucloud::providers::auth
