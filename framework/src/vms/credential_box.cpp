#include "vms/credential_box.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

#include <openssl/evp.h>

#include <Poco/Base64Decoder.h>
#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>

#include "util/random.h"

namespace gpucloud::vms
{

namespace
{

constexpr std::size_t kMinSecretBytes = 32;
constexpr int kNonceBytes = 12;
constexpr int kTagBytes = 16;
const char* kKeyLabel = "gpucloud vm credentials v1";

class Sha256Engine : public Poco::SHA2Engine
{
public:
	Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
	enum
	{
		BLOCK_SIZE = 64,
		DIGEST_SIZE = 32
	};
};

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

CipherContext newContext()
{
	CipherContext context(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
	if (!context)
		throw std::runtime_error("OpenSSL cannot allocate a cipher context");
	return context;
}

std::string encode(const std::vector<unsigned char>& bytes)
{
	std::ostringstream text;
	Poco::Base64Encoder encoder(text);
	encoder.rdbuf()->setLineLength(0);
	encoder.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
	encoder.close();
	return text.str();
}

std::vector<unsigned char> decode(const std::string& text)
{
	std::istringstream input(text);
	Poco::Base64Decoder decoder(input);
	std::string bytes((std::istreambuf_iterator<char>(decoder)), std::istreambuf_iterator<char>());
	return std::vector<unsigned char>(bytes.begin(), bytes.end());
}

std::string readSecretFile(const std::string& path)
{
	std::ifstream file(path, std::ios::binary);
	if (!file)
		throw std::runtime_error("Cannot read the credentials key file '" + path + "'");
	std::string secret((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
	while (!secret.empty() && (secret.back() == '\n' || secret.back() == '\r'))
		secret.pop_back();
	if (secret.size() < kMinSecretBytes)
		throw std::runtime_error("The credentials key file '" + path + "' contains fewer than 32 bytes; write at least 32 random bytes into it");
	return secret;
}

} // namespace

CredentialBox::CredentialBox(const std::string& secret)
{
	if (secret.size() < kMinSecretBytes)
		throw std::invalid_argument("The credentials secret must be at least 32 bytes long");
	Poco::HMACEngine<Sha256Engine> hmac(secret);
	hmac.update(kKeyLabel);
	const Poco::DigestEngine::Digest& digest = hmac.digest();
	std::copy(digest.begin(), digest.end(), _key.begin());
}

std::string CredentialBox::seal(const std::string& plaintext, const std::string& vmId) const
{
	std::vector<unsigned char> out(kNonceBytes + plaintext.size() + kTagBytes);
	util::randomBytes(out.data(), kNonceBytes);

	CipherContext context = newContext();
	int length = 0;
	bool ok = EVP_EncryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, _key.data(), out.data()) == 1
		&& EVP_EncryptUpdate(context.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(vmId.data()),
			   static_cast<int>(vmId.size())) == 1
		&& EVP_EncryptUpdate(context.get(), out.data() + kNonceBytes, &length,
			   reinterpret_cast<const unsigned char*>(plaintext.data()), static_cast<int>(plaintext.size())) == 1
		&& EVP_EncryptFinal_ex(context.get(), out.data() + kNonceBytes + length, &length) == 1
		&& EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes,
			   out.data() + kNonceBytes + plaintext.size()) == 1;
	if (!ok)
		throw std::runtime_error("AES-256-GCM encryption failed");
	return encode(out);
}

std::string CredentialBox::open(const std::string& sealed, const std::string& vmId) const
{
	std::vector<unsigned char> in = decode(sealed);
	if (in.size() < static_cast<std::size_t>(kNonceBytes + kTagBytes))
		throw std::runtime_error("The sealed credential is too short");
	std::size_t textSize = in.size() - kNonceBytes - kTagBytes;
	std::vector<unsigned char> plain(textSize + 1);

	CipherContext context = newContext();
	int length = 0;
	int written = 0;
	bool ok = EVP_DecryptInit_ex(context.get(), EVP_aes_256_gcm(), nullptr, _key.data(), in.data()) == 1
		&& EVP_DecryptUpdate(context.get(), nullptr, &length, reinterpret_cast<const unsigned char*>(vmId.data()),
			   static_cast<int>(vmId.size())) == 1
		&& EVP_DecryptUpdate(context.get(), plain.data(), &written, in.data() + kNonceBytes,
			   static_cast<int>(textSize)) == 1
		&& EVP_CIPHER_CTX_ctrl(context.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, in.data() + kNonceBytes + textSize)
			== 1
		&& EVP_DecryptFinal_ex(context.get(), plain.data() + written, &length) == 1;
	if (!ok)
		throw std::runtime_error("The sealed credential cannot be opened: it was altered or sealed with another key");
	return std::string(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(textSize));
}

std::string credentialSecret(const std::string& keyFile, const std::string& jwtSecret,
	const std::string& jwtSecretFile, const std::string& dataDir)
{
	if (!keyFile.empty())
		return readSecretFile(keyFile);
	if (jwtSecret.size() >= kMinSecretBytes)
		return jwtSecret;
	if (!jwtSecretFile.empty())
		return readSecretFile(jwtSecretFile);

	std::filesystem::path path = std::filesystem::path(dataDir) / "vm-credentials.key";
	if (std::filesystem::exists(path))
		return readSecretFile(path.string());
	std::filesystem::create_directories(path.parent_path());
	std::string secret = util::randomHex(32) + "\n";
	// Created with mode 0600 from the start, so the secret is never readable by others, not even briefly.
	int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
	bool written = fd >= 0 && ::write(fd, secret.data(), secret.size()) == static_cast<ssize_t>(secret.size());
	if (fd >= 0)
		::close(fd);
	if (!written)
		return readSecretFile(path.string());  // another server created it first, or the write failed
	secret.pop_back();
	return secret;
}

} // namespace gpucloud::vms
