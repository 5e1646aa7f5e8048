#include "sshkeys/ssh_public_key.h"

#include <cstdint>
#include <memory>

#include <openssl/ec.h>
#include <openssl/obj_mac.h>

#include <Poco/Crypto/DigestEngine.h>

#include "sshkeys/ssh_wire_reader.h"

namespace gpucloud::sshkeys
{

namespace
{

constexpr std::size_t kEd25519KeyBytes = 32;
constexpr std::size_t kNistP256PointBytes = 65;  // 0x04 || X (32 bytes) || Y (32 bytes)
constexpr unsigned kMaxRsaBits = 16384;

int base64Value(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

/// Decodes standard padded base64 and rejects any other character, a wrong length or misplaced padding.
std::vector<unsigned char> decodeBase64(const std::string& text)
{
	if (text.empty() || text.size() % 4 != 0)
		throw InvalidSshKey("The key data is not valid base64: its length is not a multiple of 4");
	std::size_t padding = 0;
	if (text[text.size() - 1] == '=')
		padding = text[text.size() - 2] == '=' ? 2 : 1;

	std::vector<unsigned char> bytes;
	bytes.reserve(text.size() / 4 * 3);
	std::uint32_t buffer = 0;
	for (std::size_t i = 0; i < text.size(); ++i)
	{
		int value = 0;
		if (i >= text.size() - padding)
		{
			if (text[i] != '=')
				throw InvalidSshKey("The key data is not valid base64: misplaced padding");
		}
		else
		{
			value = base64Value(text[i]);
			if (value < 0)
				throw InvalidSshKey("The key data is not valid base64: unexpected character");
		}
		buffer = (buffer << 6) | static_cast<std::uint32_t>(value);
		if (i % 4 == 3)
		{
			bytes.push_back(static_cast<unsigned char>(buffer >> 16));
			bytes.push_back(static_cast<unsigned char>(buffer >> 8));
			bytes.push_back(static_cast<unsigned char>(buffer));
			buffer = 0;
		}
	}
	bytes.resize(bytes.size() - padding);
	return bytes;
}

std::string encodeBase64Unpadded(const unsigned char* data, std::size_t size)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	std::string text;
	std::size_t i = 0;
	for (; i + 2 < size; i += 3)
	{
		std::uint32_t group = (data[i] << 16) | (data[i + 1] << 8) | data[i + 2];
		text += alphabet[(group >> 18) & 0x3f];
		text += alphabet[(group >> 12) & 0x3f];
		text += alphabet[(group >> 6) & 0x3f];
		text += alphabet[group & 0x3f];
	}
	if (size - i == 1)
	{
		std::uint32_t group = data[i] << 16;
		text += alphabet[(group >> 18) & 0x3f];
		text += alphabet[(group >> 12) & 0x3f];
	}
	else if (size - i == 2)
	{
		std::uint32_t group = (data[i] << 16) | (data[i + 1] << 8);
		text += alphabet[(group >> 18) & 0x3f];
		text += alphabet[(group >> 12) & 0x3f];
		text += alphabet[(group >> 6) & 0x3f];
	}
	return text;
}

/// Returns the number of significant bits of a positive mpint (RFC 4251 section 5) or throws for a negative or
/// zero value.
unsigned mpintBits(const std::vector<unsigned char>& value, const char* name)
{
	if (value.empty())
		throw InvalidSshKey(std::string("The RSA ") + name + " is zero");
	if (value[0] & 0x80)
		throw InvalidSshKey(std::string("The RSA ") + name + " is negative");
	std::size_t first = 0;
	while (first < value.size() && value[first] == 0)
		++first;
	if (first == value.size())
		throw InvalidSshKey(std::string("The RSA ") + name + " is zero");
	if (first > 1)
		throw InvalidSshKey(std::string("The RSA ") + name + " has superfluous leading zero bytes");
	unsigned bits = static_cast<unsigned>((value.size() - first - 1) * 8);
	for (unsigned char top = value[first]; top != 0; top >>= 1)
		++bits;
	return bits;
}

unsigned checkRsa(SshWireReader& reader)
{
	std::vector<unsigned char> exponent = reader.readBytes("RSA public exponent");
	std::vector<unsigned char> modulus = reader.readBytes("RSA modulus");
	mpintBits(exponent, "public exponent");
	if ((exponent.back() & 1) == 0)
		throw InvalidSshKey("The RSA public exponent is even");
	unsigned bits = mpintBits(modulus, "modulus");
	if (bits < kMinRsaBits)
		throw InvalidSshKey("RSA keys must have at least " + std::to_string(kMinRsaBits) + " bits; this one has "
			+ std::to_string(bits));
	if (bits > kMaxRsaBits)
		throw InvalidSshKey("RSA keys may have at most " + std::to_string(kMaxRsaBits) + " bits; this one has "
			+ std::to_string(bits));
	return bits;
}

unsigned checkEd25519(SshWireReader& reader)
{
	std::vector<unsigned char> key = reader.readBytes("ed25519 key");
	if (key.size() != kEd25519KeyBytes)
		throw InvalidSshKey("An ed25519 key must be 32 bytes long, not " + std::to_string(key.size()));
	return 256;
}

unsigned checkNistP256(SshWireReader& reader)
{
	std::string curve = reader.readString("curve name");
	if (curve != "nistp256")
		throw InvalidSshKey("The curve inside the key is '" + curve + "', not 'nistp256'");
	std::vector<unsigned char> point = reader.readBytes("curve point");
	if (point.size() != kNistP256PointBytes || point[0] != 0x04)
		throw InvalidSshKey("A nistp256 key must be an uncompressed point of 65 bytes");

	std::unique_ptr<EC_GROUP, decltype(&EC_GROUP_free)> group(
		EC_GROUP_new_by_curve_name(NID_X9_62_prime256v1), EC_GROUP_free);
	std::unique_ptr<EC_POINT, decltype(&EC_POINT_free)> decoded(
		group ? EC_POINT_new(group.get()) : nullptr, EC_POINT_free);
	if (!group || !decoded)
		throw std::runtime_error("OpenSSL cannot allocate a nistp256 point");
	if (EC_POINT_oct2point(group.get(), decoded.get(), point.data(), point.size(), nullptr) != 1
		|| EC_POINT_is_on_curve(group.get(), decoded.get(), nullptr) != 1)
		throw InvalidSshKey("The nistp256 point of the key is not on the curve");
	return 256;
}

std::vector<std::string> splitFields(const std::string& text, std::string& comment)
{
	std::vector<std::string> fields;
	std::size_t at = 0;
	while (fields.size() < 2)
	{
		at = text.find_first_not_of(" \t", at);
		if (at == std::string::npos)
			break;
		std::size_t end = text.find_first_of(" \t", at);
		fields.push_back(text.substr(at, end == std::string::npos ? std::string::npos : end - at));
		at = end;
		if (at == std::string::npos)
			break;
	}
	if (at != std::string::npos)
	{
		std::size_t start = text.find_first_not_of(" \t", at);
		if (start != std::string::npos)
			comment = text.substr(start);
	}
	return fields;
}

} // namespace

std::string SshPublicKey::line() const
{
	return comment.empty() ? type + " " + base64 : type + " " + base64 + " " + comment;
}

SshPublicKey parseSshPublicKey(const std::string& text)
{
	std::string trimmed = text;
	while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r' || trimmed.back() == ' '
		|| trimmed.back() == '\t'))
		trimmed.pop_back();
	if (trimmed.find_first_of("\r\n") != std::string::npos)
		throw InvalidSshKey("The key must be a single line");
	for (char c : trimmed)
	{
		if (static_cast<unsigned char>(c) < 0x20 && c != '\t')
			throw InvalidSshKey("The key contains a control character");
	}

	SshPublicKey key;
	std::vector<std::string> fields = splitFields(trimmed, key.comment);
	if (fields.size() < 2)
		throw InvalidSshKey("The key must have the form '<type> <base64 data> [comment]'");
	key.type = fields[0];
	key.base64 = fields[1];
	if (key.type != "ssh-ed25519" && key.type != "ssh-rsa" && key.type != "ecdsa-sha2-nistp256")
		throw InvalidSshKey("Key type '" + key.type.substr(0, 64)
			+ "' is not accepted; use ssh-ed25519, ssh-rsa (2048 bits or more) or ecdsa-sha2-nistp256");

	key.blob = decodeBase64(key.base64);
	SshWireReader reader(key.blob);
	std::string innerType = reader.readString("key type");
	if (innerType != key.type)
		throw InvalidSshKey("The key data is of type '" + innerType.substr(0, 64) + "', but the line starts with '"
			+ key.type + "'");

	if (key.type == "ssh-rsa")
		key.bits = checkRsa(reader);
	else if (key.type == "ssh-ed25519")
		key.bits = checkEd25519(reader);
	else
		key.bits = checkNistP256(reader);
	if (!reader.atEnd())
		throw InvalidSshKey("The key data has trailing bytes after the key");

	key.fingerprint = sshFingerprint(key.blob);
	return key;
}

std::string sshFingerprint(const std::vector<unsigned char>& blob)
{
	Poco::Crypto::DigestEngine engine("SHA256");
	engine.update(blob.data(), blob.size());
	const Poco::DigestEngine::Digest& digest = engine.digest();
	return "SHA256:" + encodeBase64Unpadded(digest.data(), digest.size());
}

} // namespace gpucloud::sshkeys
