#include "auth/totp.h"

#include <cctype>
#include <stdexcept>

#include <Poco/HMACEngine.h>
#include <Poco/SHA1Engine.h>
#include <Poco/URI.h>

#include "util/random.h"

namespace gpucloud::providers::auth::totp
{

namespace
{

const char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

bool equalConstantTime(const std::string& left, const std::string& right)
{
	if (left.size() != right.size())
		return false;
	unsigned char difference = 0;
	for (std::size_t i = 0; i < left.size(); ++i)
		difference |= static_cast<unsigned char>(left[i] ^ right[i]);
	return difference == 0;
}

} // namespace

std::string generateSecret()
{
	std::string bytes(20, '\0');
	util::randomBytes(bytes.data(), bytes.size());
	return encodeBase32(bytes);
}

std::string encodeBase32(const std::string& bytes)
{
	std::string text;
	unsigned buffer = 0;
	int bits = 0;
	for (unsigned char byte : bytes)
	{
		buffer = (buffer << 8) | byte;
		bits += 8;
		while (bits >= 5)
		{
			text.push_back(kAlphabet[(buffer >> (bits - 5)) & 0x1f]);
			bits -= 5;
		}
	}
	if (bits > 0)
		text.push_back(kAlphabet[(buffer << (5 - bits)) & 0x1f]);
	return text;
}

std::string decodeBase32(const std::string& text)
{
	std::string bytes;
	unsigned buffer = 0;
	int bits = 0;
	for (char raw : text)
	{
		if (raw == ' ' || raw == '=')
			continue;
		char c = static_cast<char>(std::toupper(static_cast<unsigned char>(raw)));
		unsigned value;
		if (c >= 'A' && c <= 'Z')
			value = static_cast<unsigned>(c - 'A');
		else if (c >= '2' && c <= '7')
			value = static_cast<unsigned>(c - '2' + 26);
		else
			throw std::invalid_argument("Invalid base32 character");
		buffer = (buffer << 5) | value;
		bits += 5;
		if (bits >= 8)
		{
			bytes.push_back(static_cast<char>((buffer >> (bits - 8)) & 0xff));
			bits -= 8;
		}
	}
	return bytes;
}

std::int64_t stepAt(std::int64_t unixSeconds)
{
	return unixSeconds / kStepSeconds;
}

std::string code(const std::string& key, std::int64_t step, int digits)
{
	unsigned char counter[8];
	auto value = static_cast<std::uint64_t>(step);
	for (int i = 7; i >= 0; --i)
	{
		counter[i] = static_cast<unsigned char>(value & 0xff);
		value >>= 8;
	}

	Poco::HMACEngine<Poco::SHA1Engine> hmac(key);
	hmac.update(counter, sizeof(counter));
	const Poco::DigestEngine::Digest& digest = hmac.digest();

	std::size_t offset = digest.back() & 0x0f;
	std::uint32_t binary = (static_cast<std::uint32_t>(digest[offset] & 0x7f) << 24)
		| (static_cast<std::uint32_t>(digest[offset + 1]) << 16) | (static_cast<std::uint32_t>(digest[offset + 2]) << 8)
		| static_cast<std::uint32_t>(digest[offset + 3]);

	std::uint32_t modulus = 1;
	for (int i = 0; i < digits; ++i)
		modulus *= 10;
	std::string text = std::to_string(binary % modulus);
	return std::string(static_cast<std::size_t>(digits) - text.size(), '0') + text;
}

std::optional<std::int64_t> matchStep(const std::string& key, const std::string& candidate, std::int64_t unixSeconds,
	std::int64_t lastAcceptedStep)
{
	std::int64_t current = stepAt(unixSeconds);
	std::optional<std::int64_t> matched;
	// Every step of the window is computed, so the time taken does not reveal which one matched.
	for (std::int64_t step = current - 1; step <= current + 1; ++step)
	{
		if (equalConstantTime(code(key, step), candidate) && step > lastAcceptedStep && !matched)
			matched = step;
	}
	return matched;
}

std::string otpauthUri(const std::string& issuer, const std::string& account, const std::string& base32Secret)
{
	std::string label;
	Poco::URI::encode(issuer + ":" + account, "/?#[]@!$&'()*+,;=", label);
	std::string issuerParameter;
	Poco::URI::encode(issuer, "/?#[]@!$&'()*+,;=:", issuerParameter);
	return "otpauth://totp/" + label + "?secret=" + base32Secret + "&issuer=" + issuerParameter
		+ "&algorithm=SHA1&digits=6&period=30";
}

} // namespace gpucloud::providers::auth::totp
