#include "util/uuid7.h"

#include <cstring>

#include "util/random.h"

namespace gpucloud::util
{

void Uuid7Generator::take(unsigned char* out, std::size_t count)
{
	if (_used + count > _pool.size())
	{
		randomBytes(_pool.data(), _pool.size());
		_used = 0;
	}
	std::memcpy(out, _pool.data() + _used, count);
	_used += count;
}

std::string Uuid7Generator::next(std::int64_t unixMillis)
{
	unsigned char raw[16];
	auto millis = static_cast<std::uint64_t>(unixMillis);
	for (int i = 0; i < 6; ++i)
		raw[i] = static_cast<unsigned char>(millis >> (8 * (5 - i)));
	take(raw + 6, 10);
	raw[6] = static_cast<unsigned char>((raw[6] & 0x0f) | 0x70);
	raw[8] = static_cast<unsigned char>((raw[8] & 0x3f) | 0x80);

	return formatUuid(raw);
}

} // namespace gpucloud::util
