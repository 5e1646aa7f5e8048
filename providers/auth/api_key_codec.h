#pragma once

#include <cstddef>
#include <string>

namespace gpucloud::providers::auth
{

/// Returns a new API key: `prefix` followed by `randomLength` CSPRNG characters of [A-Za-z0-9_-].
std::string generateApiKey(const std::string& prefix, std::size_t randomLength);

/// Returns the SHA-256 of `key` in lower-case hex. A fast hash is enough because a key carries at least 192 random
/// bits, far beyond offline guessing; it also lets the key be looked up by its hash.
std::string hashApiKey(const std::string& key);

/// Returns the part of `key` shown in listings: the prefix and the first 4 random characters.
std::string displayPrefix(const std::string& key, const std::string& prefix);

/// Returns true when `credential` has the shape of an API key with `prefix` (and so is not a JWT).
bool looksLikeApiKey(const std::string& credential, const std::string& prefix);

} // namespace gpucloud::providers::auth
