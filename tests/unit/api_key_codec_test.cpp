#include <cppunit/extensions/HelperMacros.h>

#include "auth/api_key_codec.h"

using namespace gpucloud::providers::auth;

class ApiKeyCodecTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ApiKeyCodecTest);
	CPPUNIT_TEST(format);
	CPPUNIT_TEST(unique);
	CPPUNIT_TEST(sha256Hex);
	CPPUNIT_TEST(prefixShown);
	CPPUNIT_TEST(recognisesKeys);
	CPPUNIT_TEST_SUITE_END();

public:
	void format()
	{
		std::string key = generateApiKey("nv_live_", 40);
		CPPUNIT_ASSERT_EQUAL(std::size_t(48), key.size());
		CPPUNIT_ASSERT_EQUAL(0, key.compare(0, 8, "nv_live_"));
		CPPUNIT_ASSERT_EQUAL(std::string::npos,
			key.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_", 8));
	}

	void unique()
	{
		CPPUNIT_ASSERT(generateApiKey("nv_live_", 32) != generateApiKey("nv_live_", 32));
	}

	void sha256Hex()
	{
		// FIPS 180-2 test vector for "abc".
		CPPUNIT_ASSERT_EQUAL(std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
			hashApiKey("abc"));
	}

	void prefixShown()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("nv_live_AbCd"), displayPrefix("nv_live_AbCdEfGh", "nv_live_"));
	}

	void recognisesKeys()
	{
		CPPUNIT_ASSERT(looksLikeApiKey("nv_live_abc", "nv_live_"));
		CPPUNIT_ASSERT(!looksLikeApiKey("nv_live_", "nv_live_"));
		CPPUNIT_ASSERT(!looksLikeApiKey("eyJhbGciOiJIUzI1NiJ9.e30.x", "nv_live_"));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ApiKeyCodecTest);
