#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace gpucloud::util
{

/// Generates version 7 UUIDs (RFC 9562): a 48-bit Unix time in milliseconds followed by random bits. Rows keyed by
/// them are inserted at the end of their index instead of at random places, which keeps bulk inserts fast.
/// Random bytes are read from the kernel's CSPRNG in blocks. Not thread-safe: use one generator per thread.
class Uuid7Generator
{
public:
	/// Returns a new UUID for the time `unixMillis` in its canonical lower-case form.
	std::string next(std::int64_t unixMillis);

private:
	void take(unsigned char* out, std::size_t count);

	std::array<unsigned char, 4096> _pool{};
	std::size_t _used = 4096;
};

} // namespace gpucloud::util
