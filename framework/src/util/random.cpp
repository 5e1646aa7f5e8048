#include "util/random.h"

#include <sys/random.h>

#include <cerrno>
#include <cstdint>
#include <system_error>
#include <vector>

namespace gpucloud::util
{

void randomBytes(void* buffer, std::size_t size)
{
	auto* bytes = static_cast<unsigned char*>(buffer);
	std::size_t filled = 0;
	while (filled < size)
	{
		ssize_t count = getrandom(bytes + filled, size - filled, 0);
		if (count < 0)
		{
			if (errno == EINTR)
				continue;
			throw std::system_error(errno, std::generic_category(), "getrandom failed");
		}
		filled += static_cast<std::size_t>(count);
	}
}

std::string randomHex(std::size_t bytes)
{
	static const char digits[] = "0123456789abcdef";
	std::vector<unsigned char> raw(bytes);
	randomBytes(raw.data(), raw.size());
	std::string hex;
	hex.reserve(bytes * 2);
	for (unsigned char byte : raw)
	{
		hex.push_back(digits[byte >> 4]);
		hex.push_back(digits[byte & 0x0f]);
	}
	return hex;
}

std::string randomUrlSafe(std::size_t length)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
	// 64 symbols: the low 6 bits of a random byte select one without bias.
	std::vector<unsigned char> raw(length);
	randomBytes(raw.data(), raw.size());
	std::string text;
	text.reserve(length);
	for (unsigned char byte : raw)
		text.push_back(alphabet[byte & 0x3f]);
	return text;
}

std::string uuid4()
{
	unsigned char raw[16];
	randomBytes(raw, sizeof(raw));
	raw[6] = static_cast<unsigned char>((raw[6] & 0x0f) | 0x40);
	raw[8] = static_cast<unsigned char>((raw[8] & 0x3f) | 0x80);
	return formatUuid(raw);
}

std::string formatUuid(const unsigned char (&bytes)[16])
{
	static const char digits[] = "0123456789abcdef";
	std::string text;
	text.reserve(36);
	for (int i = 0; i < 16; ++i)
	{
		if (i == 4 || i == 6 || i == 8 || i == 10)
			text.push_back('-');
		text.push_back(digits[bytes[i] >> 4]);
		text.push_back(digits[bytes[i] & 0x0f]);
	}
	return text;
}

} // namespace gpucloud::util
