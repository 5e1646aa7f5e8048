#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "sshkeys/ssh_public_key.h"
#include "support/expect_throw.h"
#include "support/temp_dir.h"

using gpucloud::sshkeys::InvalidSshKey;
using gpucloud::sshkeys::parseSshPublicKey;
using gpucloud::sshkeys::SshPublicKey;
using gpucloud::testing::contains;
using gpucloud::testing::expectThrow;
using gpucloud::testing::TempDir;

namespace
{

// Fixed keys with fingerprints computed by `ssh-keygen -lf` (OpenSSH 9.2).
const std::string kEd25519 =
	"ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAII2kRnbN/zlsN6t4Qd2Jo83YXXmOQO6Qkffgr6aXKOa3 user@example";
const std::string kEd25519Fingerprint = "SHA256:fYbFoKHaTWe4LT4vjiKDZ0O/u0ueohx8X//qrgLaOB8";

std::string readFile(const std::filesystem::path& path)
{
	std::ifstream in(path);
	std::stringstream text;
	text << in.rdbuf();
	return text.str();
}

bool haveSshKeygen()
{
	return std::system("command -v ssh-keygen >/dev/null 2>&1") == 0;
}

/// Generates a key pair with ssh-keygen and returns the public key line and its fingerprint line.
std::pair<std::string, std::string> generate(const TempDir& dir, const std::string& type, int bits)
{
	std::string path = (dir.path() / (type + std::to_string(bits))).string();
	std::string command = "ssh-keygen -q -N '' -C test -t " + type + (bits ? " -b " + std::to_string(bits) : "")
		+ " -f " + path + " >/dev/null 2>&1 && ssh-keygen -lf " + path + ".pub > " + path + ".fp";
	if (std::system(command.c_str()) != 0)
		CPPUNIT_FAIL("ssh-keygen failed: " + command);
	return {readFile(path + ".pub"), readFile(path + ".fp")};
}

/// Re-encodes `blob` as standard padded base64.
std::string base64(const std::string& bytes)
{
	static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	std::string text;
	std::size_t i = 0;
	for (; i + 2 < bytes.size(); i += 3)
	{
		unsigned group = (static_cast<unsigned char>(bytes[i]) << 16) | (static_cast<unsigned char>(bytes[i + 1]) << 8)
			| static_cast<unsigned char>(bytes[i + 2]);
		for (int shift = 18; shift >= 0; shift -= 6)
			text += alphabet[(group >> shift) & 0x3f];
	}
	std::size_t rest = bytes.size() - i;
	if (rest > 0)
	{
		unsigned group = static_cast<unsigned char>(bytes[i]) << 16;
		if (rest == 2)
			group |= static_cast<unsigned char>(bytes[i + 1]) << 8;
		text += alphabet[(group >> 18) & 0x3f];
		text += alphabet[(group >> 12) & 0x3f];
		text += rest == 2 ? alphabet[(group >> 6) & 0x3f] : '=';
		text += '=';
	}
	return text;
}

std::string sshString(const std::string& value)
{
	std::string length(4, '\0');
	length[0] = static_cast<char>((value.size() >> 24) & 0xff);
	length[1] = static_cast<char>((value.size() >> 16) & 0xff);
	length[2] = static_cast<char>((value.size() >> 8) & 0xff);
	length[3] = static_cast<char>(value.size() & 0xff);
	return length + value;
}

std::string rejection(const std::string& line)
{
	return expectThrow<InvalidSshKey>([&] { parseSshPublicKey(line); }, "parsing '" + line + "'").what();
}

} // namespace

class SshPublicKeyTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SshPublicKeyTest);
	CPPUNIT_TEST(fixedEd25519);
	CPPUNIT_TEST(generatedKeysMatchSshKeygen);
	CPPUNIT_TEST(shortRsaRejected);
	CPPUNIT_TEST(otherCurveRejected);
	CPPUNIT_TEST(mismatchedTypeRejected);
	CPPUNIT_TEST(badBase64Rejected);
	CPPUNIT_TEST(truncatedBlobRejected);
	CPPUNIT_TEST(trailingBytesRejected);
	CPPUNIT_TEST(wrongEd25519LengthRejected);
	CPPUNIT_TEST(pointOffCurveRejected);
	CPPUNIT_TEST(unsupportedTypeRejected);
	CPPUNIT_TEST(multipleLinesRejected);
	CPPUNIT_TEST(missingDataRejected);
	CPPUNIT_TEST_SUITE_END();

public:
	void fixedEd25519()
	{
		SshPublicKey key = parseSshPublicKey(kEd25519 + "\n");
		CPPUNIT_ASSERT_EQUAL(std::string("ssh-ed25519"), key.type);
		CPPUNIT_ASSERT_EQUAL(kEd25519Fingerprint, key.fingerprint);
		CPPUNIT_ASSERT_EQUAL(std::string("user@example"), key.comment);
		CPPUNIT_ASSERT_EQUAL(kEd25519, key.line());
		CPPUNIT_ASSERT_EQUAL(256u, key.bits);
	}

	void generatedKeysMatchSshKeygen()
	{
		if (!haveSshKeygen())
			return;  // scripts/setup.sh installs openssh-client; the fixed-key tests still run without it
		TempDir dir;
		struct Case
		{
			std::string type;
			int bits;
			unsigned expectedBits;
			std::string prefix;
		};
		for (const Case& item : {Case{"ed25519", 0, 256, "ssh-ed25519"}, Case{"rsa", 2048, 2048, "ssh-rsa"},
				 Case{"rsa", 3072, 3072, "ssh-rsa"}, Case{"ecdsa", 256, 256, "ecdsa-sha2-nistp256"}})
		{
			auto [line, fingerprintLine] = generate(dir, item.type, item.bits);
			SshPublicKey key = parseSshPublicKey(line);
			CPPUNIT_ASSERT_EQUAL(item.prefix, key.type);
			CPPUNIT_ASSERT_EQUAL(item.expectedBits, key.bits);
			CPPUNIT_ASSERT_MESSAGE(fingerprintLine, contains(fingerprintLine, " " + key.fingerprint + " "));
		}
	}

	void shortRsaRejected()
	{
		if (!haveSshKeygen())
			return;
		TempDir dir;
		std::string line = generate(dir, "rsa", 1024).first;
		CPPUNIT_ASSERT(contains(rejection(line), "at least 2048 bits; this one has 1024"));
	}

	void otherCurveRejected()
	{
		if (!haveSshKeygen())
			return;
		TempDir dir;
		std::string line = generate(dir, "ecdsa", 384).first;
		CPPUNIT_ASSERT(contains(rejection(line), "'ecdsa-sha2-nistp384' is not accepted"));
	}

	void mismatchedTypeRejected()
	{
		std::string data = kEd25519.substr(12, kEd25519.find(' ', 12) - 12);
		CPPUNIT_ASSERT(contains(rejection("ssh-rsa " + data), "of type 'ssh-ed25519', but the line starts with 'ssh-rsa'"));
	}

	void badBase64Rejected()
	{
		CPPUNIT_ASSERT(contains(rejection("ssh-ed25519 AAAA*AAA"), "not valid base64"));
		CPPUNIT_ASSERT(contains(rejection("ssh-ed25519 AAAAC3N"), "not valid base64"));
		CPPUNIT_ASSERT(contains(rejection("ssh-ed25519 AA=A"), "not valid base64"));
	}

	void truncatedBlobRejected()
	{
		std::string blob = sshString("ssh-ed25519") + sshString(std::string(32, 'k')).substr(0, 20);
		CPPUNIT_ASSERT(contains(rejection("ssh-ed25519 " + base64(blob)), "ends inside the ed25519 key"));
	}

	void trailingBytesRejected()
	{
		std::string blob = sshString("ssh-ed25519") + sshString(std::string(32, 'k')) + "x";
		CPPUNIT_ASSERT(contains(rejection("ssh-ed25519 " + base64(blob)), "trailing bytes"));
	}

	void wrongEd25519LengthRejected()
	{
		std::string blob = sshString("ssh-ed25519") + sshString(std::string(31, 'k'));
		CPPUNIT_ASSERT(contains(rejection("ssh-ed25519 " + base64(blob)), "32 bytes long, not 31"));
	}

	void pointOffCurveRejected()
	{
		std::string point = "\x04" + std::string(64, '\x01');
		std::string blob = sshString("ecdsa-sha2-nistp256") + sshString("nistp256") + sshString(point);
		CPPUNIT_ASSERT(contains(rejection("ecdsa-sha2-nistp256 " + base64(blob)), "not on the curve"));
	}

	void unsupportedTypeRejected()
	{
		std::string blob = sshString("ssh-dss") + sshString("p");
		CPPUNIT_ASSERT(contains(rejection("ssh-dss " + base64(blob)), "'ssh-dss' is not accepted"));
	}

	void multipleLinesRejected()
	{
		CPPUNIT_ASSERT(contains(rejection(kEd25519 + "\n" + kEd25519), "single line"));
	}

	void missingDataRejected()
	{
		CPPUNIT_ASSERT(contains(rejection("ssh-ed25519"), "must have the form"));
		CPPUNIT_ASSERT(contains(rejection(""), "must have the form"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SshPublicKeyTest);
