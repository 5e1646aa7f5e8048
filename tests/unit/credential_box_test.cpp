#include <stdexcept>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "support/expect_throw.h"
#include "support/temp_dir.h"
#include "vms/credential_box.h"

using gpucloud::testing::expectThrow;
using gpucloud::testing::TempDir;
using gpucloud::vms::CredentialBox;
using gpucloud::vms::credentialSecret;

namespace
{

const std::string kSecret = "a-secret-of-at-least-thirty-two-bytes-0123456789";

} // namespace

class CredentialBoxTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CredentialBoxTest);
	CPPUNIT_TEST(sealOpenRoundTrip);
	CPPUNIT_TEST(sealedTextHidesPassword);
	CPPUNIT_TEST(otherVmCannotOpen);
	CPPUNIT_TEST(otherKeyCannotOpen);
	CPPUNIT_TEST(tamperedTextRejected);
	CPPUNIT_TEST(shortSecretRejected);
	CPPUNIT_TEST(generatedSecretPersists);
	CPPUNIT_TEST(keyFileWinsOverJwtSecret);
	CPPUNIT_TEST_SUITE_END();

public:
	void sealOpenRoundTrip()
	{
		CredentialBox box(kSecret);
		std::string sealed = box.seal("hunter2-but-longer", "vm-1");
		CPPUNIT_ASSERT_EQUAL(std::string("hunter2-but-longer"), box.open(sealed, "vm-1"));
		CPPUNIT_ASSERT_EQUAL(std::string("hunter2-but-longer"), CredentialBox(kSecret).open(sealed, "vm-1"));
	}

	void sealedTextHidesPassword()
	{
		CredentialBox box(kSecret);
		std::string first = box.seal("hunter2-but-longer", "vm-1");
		CPPUNIT_ASSERT(first.find("hunter2") == std::string::npos);
		CPPUNIT_ASSERT(first != box.seal("hunter2-but-longer", "vm-1"));
	}

	void otherVmCannotOpen()
	{
		CredentialBox box(kSecret);
		std::string sealed = box.seal("hunter2-but-longer", "vm-1");
		expectThrow<std::runtime_error>([&] { box.open(sealed, "vm-2"); });
	}

	void otherKeyCannotOpen()
	{
		std::string sealed = CredentialBox(kSecret).seal("hunter2-but-longer", "vm-1");
		CredentialBox other("another-secret-of-at-least-thirty-two-bytes");
		expectThrow<std::runtime_error>([&] { other.open(sealed, "vm-1"); });
	}

	void tamperedTextRejected()
	{
		CredentialBox box(kSecret);
		std::string sealed = box.seal("hunter2-but-longer", "vm-1");
		std::size_t middle = sealed.size() / 2;
		sealed[middle] = sealed[middle] == 'A' ? 'B' : 'A';
		expectThrow<std::runtime_error>([&] { box.open(sealed, "vm-1"); });
	}

	void shortSecretRejected()
	{
		expectThrow<std::invalid_argument>([] { CredentialBox box("short"); });
	}

	void generatedSecretPersists()
	{
		TempDir dir;
		std::string first = credentialSecret("", "", "", dir.path().string());
		std::string second = credentialSecret("", "", "", dir.path().string());
		CPPUNIT_ASSERT_EQUAL(first, second);
		CPPUNIT_ASSERT(first.size() >= 32);
	}

	void keyFileWinsOverJwtSecret()
	{
		TempDir dir;
		CPPUNIT_ASSERT_EQUAL(kSecret, credentialSecret("", kSecret, "", dir.path().string()));
		std::string keyFile = dir.writeFile("key", "k-0123456789abcdef0123456789abcdef\n").string();
		CPPUNIT_ASSERT_EQUAL(std::string("k-0123456789abcdef0123456789abcdef"),
			credentialSecret(keyFile, kSecret, "", dir.path().string()));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CredentialBoxTest);
