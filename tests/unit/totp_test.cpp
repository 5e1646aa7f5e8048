#include <cppunit/extensions/HelperMacros.h>

#include "auth/backup_codes.h"
#include "auth/totp.h"

using namespace gpucloud::providers::auth;

namespace
{

// RFC 6238 appendix B: the SHA-1 seed is the ASCII string "12345678901234567890".
const std::string kRfcKey = "12345678901234567890";

} // namespace

class TotpTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TotpTest);
	CPPUNIT_TEST(rfc6238Vectors);
	CPPUNIT_TEST(sixDigits);
	CPPUNIT_TEST(base32Vectors);
	CPPUNIT_TEST(base32RoundTrip);
	CPPUNIT_TEST(base32RejectsInvalid);
	CPPUNIT_TEST(windowAcceptsSkew);
	CPPUNIT_TEST(windowRejectsFarSteps);
	CPPUNIT_TEST(replayRejected);
	CPPUNIT_TEST(otpauthUri);
	CPPUNIT_TEST(backupCodeFormat);
	CPPUNIT_TEST(backupCodeHashNormalises);
	CPPUNIT_TEST_SUITE_END();

public:
	void rfc6238Vectors()
	{
		const std::pair<std::int64_t, const char*> vectors[] = {{59, "94287082"}, {1111111109, "07081804"},
			{1111111111, "14050471"}, {1234567890, "89005924"}, {2000000000, "69279037"}, {20000000000, "65353130"}};
		for (const auto& [time, expected] : vectors)
			CPPUNIT_ASSERT_EQUAL(std::string(expected), totp::code(kRfcKey, totp::stepAt(time), 8));
	}

	void sixDigits()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("287082"), totp::code(kRfcKey, totp::stepAt(59)));
	}

	void base32Vectors()
	{
		// RFC 4648 section 10, without padding.
		CPPUNIT_ASSERT_EQUAL(std::string("MZXW6"), totp::encodeBase32("foo"));
		CPPUNIT_ASSERT_EQUAL(std::string("MZXW6YTBOI"), totp::encodeBase32("foobar"));
		CPPUNIT_ASSERT_EQUAL(std::string("foobar"), totp::decodeBase32("mzxw6ytboi======"));
	}

	void base32RoundTrip()
	{
		std::string secret = totp::generateSecret();
		CPPUNIT_ASSERT_EQUAL(std::size_t(32), secret.size());
		CPPUNIT_ASSERT_EQUAL(std::size_t(20), totp::decodeBase32(secret).size());
		CPPUNIT_ASSERT_EQUAL(secret, totp::encodeBase32(totp::decodeBase32(secret)));
	}

	void base32RejectsInvalid()
	{
		CPPUNIT_ASSERT_THROW(totp::decodeBase32("MZ1W"), std::invalid_argument);
	}

	void windowAcceptsSkew()
	{
		std::int64_t now = 1800000015;
		std::int64_t step = totp::stepAt(now);
		for (std::int64_t offset = -1; offset <= 1; ++offset)
		{
			auto matched = totp::matchStep(kRfcKey, totp::code(kRfcKey, step + offset), now, 0);
			CPPUNIT_ASSERT(matched.has_value());
			CPPUNIT_ASSERT_EQUAL(step + offset, *matched);
		}
	}

	void windowRejectsFarSteps()
	{
		std::int64_t now = 1800000015;
		std::int64_t step = totp::stepAt(now);
		CPPUNIT_ASSERT(!totp::matchStep(kRfcKey, totp::code(kRfcKey, step + 2), now, 0));
		CPPUNIT_ASSERT(!totp::matchStep(kRfcKey, totp::code(kRfcKey, step - 2), now, 0));
	}

	void replayRejected()
	{
		std::int64_t now = 1800000015;
		std::int64_t step = totp::stepAt(now);
		std::string code = totp::code(kRfcKey, step);
		CPPUNIT_ASSERT(!totp::matchStep(kRfcKey, code, now, step));
		CPPUNIT_ASSERT(!totp::matchStep(kRfcKey, totp::code(kRfcKey, step - 1), now, step));
	}

	void otpauthUri()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("otpauth://totp/gpucloud:a%40b.io?secret=ABC&issuer=gpucloud&algorithm=SHA1&digits=6&period=30"),
			totp::otpauthUri("gpucloud", "a@b.io", "ABC"));
	}

	void backupCodeFormat()
	{
		std::vector<std::string> codes = backup_codes::generate();
		CPPUNIT_ASSERT_EQUAL(std::size_t(10), codes.size());
		for (const std::string& code : codes)
		{
			CPPUNIT_ASSERT_EQUAL(std::size_t(19), code.size());
			CPPUNIT_ASSERT(backup_codes::looksLikeBackupCode(code));
		}
		CPPUNIT_ASSERT(codes[0] != codes[1]);
		CPPUNIT_ASSERT(!backup_codes::looksLikeBackupCode("123456"));
	}

	void backupCodeHashNormalises()
	{
		CPPUNIT_ASSERT_EQUAL(backup_codes::hash("abcd-efgh-ijkl-mnop"), backup_codes::hash("ABCD EFGH IJKL MNOP"));
		CPPUNIT_ASSERT(backup_codes::hash("abcd-efgh-ijkl-mnop") != backup_codes::hash("abcd-efgh-ijkl-mnoq"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(TotpTest);
