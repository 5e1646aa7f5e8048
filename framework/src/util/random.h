#pragma once

#include <cstddef>
#include <string>

namespace gpucloud::util
{

/// Fills `buffer` with bytes from the kernel's CSPRNG (getrandom). Throws std::system_error when it fails.
void randomBytes(void* buffer, std::size_t size);

/// Returns `bytes` random bytes as lower-case hexadecimal (2 * bytes characters).
std::string randomHex(std::size_t bytes);

/// Returns `length` random characters of the URL-safe alphabet [A-Za-z0-9_-], drawn without modulo bias.
std::string randomUrlSafe(std::size_t length);

/// Returns a random (version 4) UUID in its canonical lower-case form.
std::string uuid4();

/// Formats 16 bytes as a UUID in its canonical lower-case form (8-4-4-4-12 hexadecimal digits).
std::string formatUuid(const unsigned char (&bytes)[16]);

} // namespace gpucloud::util
