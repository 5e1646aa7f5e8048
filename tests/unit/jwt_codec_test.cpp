#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Base64Encoder.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include "auth/jwt_codec.h"
#include "support/temp_dir.h"

using namespace gpucloud;
using providers::auth::InvalidToken;
using providers::auth::JwtCodec;

namespace
{

constexpr std::int64_t kNow = 1800000000;
const std::string kSecret = "unit-test-secret-that-is-at-least-32-bytes";

auth::AuthSettings hs256Settings()
{
	auth::AuthSettings settings;
	settings.jwtSecret = kSecret;
	return settings;
}

std::string base64Url(const std::string& text)
{
	std::ostringstream out;
	Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | Poco::BASE64_NO_PADDING);
	encoder << text;
	encoder.close();
	return out.str();
}

/// Signs the standard claims with Poco directly, so that tests can vary one thing the codec would never issue.
std::string signRaw(const std::string& algorithm, const std::string& issuer, const std::string& audience)
{
	Poco::JWT::Token token;
	token.payload().set("sub", "7");
	token.payload().set("iss", issuer);
	token.payload().set("aud", audience);
	token.payload().set("typ", "access");
	token.payload().set("jti", "x");
	token.payload().set("iat", static_cast<Poco::Int64>(kNow));
	token.payload().set("exp", static_cast<Poco::Int64>(kNow + 60));
	Poco::JWT::Signer signer(kSecret);
	signer.addAllAlgorithms();
	return signer.sign(token, algorithm);
}

} // namespace

class JwtCodecTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JwtCodecTest);
	CPPUNIT_TEST(roundTrip);
	CPPUNIT_TEST(integerTimeClaims);
	CPPUNIT_TEST(tamperedSignature);
	CPPUNIT_TEST(tamperedPayload);
	CPPUNIT_TEST(algNone);
	CPPUNIT_TEST(wrongAlgorithm);
	CPPUNIT_TEST(wrongIssuer);
	CPPUNIT_TEST(wrongAudience);
	CPPUNIT_TEST(expired);
	CPPUNIT_TEST(wrongType);
	CPPUNIT_TEST(otherSecret);
	CPPUNIT_TEST(garbage);
	CPPUNIT_TEST(rs256RoundTrip);
	CPPUNIT_TEST(rs256RejectsHs256);
	CPPUNIT_TEST_SUITE_END();

public:
	void roundTrip()
	{
		JwtCodec codec(hs256Settings());
		std::string token = codec.issue("access", "42", "jti-1", std::chrono::seconds(3600), kNow);
		providers::auth::TokenClaims claims = codec.verify(token, "access", kNow + 10);
		CPPUNIT_ASSERT_EQUAL(std::string("42"), claims.subject);
		CPPUNIT_ASSERT_EQUAL(std::string("jti-1"), claims.id);
		CPPUNIT_ASSERT_EQUAL(std::string("access"), claims.type);
		CPPUNIT_ASSERT_EQUAL(kNow, claims.issuedAt);
		CPPUNIT_ASSERT_EQUAL(kNow + 3600, claims.expiresAt);
	}

	void integerTimeClaims()
	{
		JwtCodec codec(hs256Settings());
		Poco::JWT::Token token(codec.issue("access", "42", "j", std::chrono::seconds(3600), kNow));
		CPPUNIT_ASSERT(token.payload().get("exp").isInteger());
		CPPUNIT_ASSERT(token.payload().get("iat").isInteger());
		CPPUNIT_ASSERT_EQUAL(std::string("gpucloud"), token.payload().getValue<std::string>("iss"));
		CPPUNIT_ASSERT_EQUAL(std::string("gpucloud-api"), token.payload().getValue<std::string>("aud"));
	}

	void tamperedSignature()
	{
		JwtCodec codec(hs256Settings());
		std::string token = codec.issue("access", "42", "j", std::chrono::seconds(3600), kNow);
		// The middle of the signature: its last character carries unused bits, so changing it may not change the bytes.
		std::size_t signatureStart = token.rfind('.') + 1;
		std::size_t middle = signatureStart + (token.size() - signatureStart) / 2;
		token[middle] = token[middle] == 'A' ? 'B' : 'A';
		CPPUNIT_ASSERT_THROW(codec.verify(token, "access", kNow), InvalidToken);
	}

	void tamperedPayload()
	{
		JwtCodec codec(hs256Settings());
		std::string token = codec.issue("access", "42", "j", std::chrono::seconds(3600), kNow);
		std::size_t first = token.find('.');
		std::size_t second = token.find('.', first + 1);
		std::string forged = R"({"aud":"gpucloud-api","exp":1900000000,"iat":1800000000,"iss":"gpucloud","jti":"j","sub":"1","typ":"access"})";
		token = token.substr(0, first + 1) + base64Url(forged) + token.substr(second);
		CPPUNIT_ASSERT_THROW(codec.verify(token, "access", kNow), InvalidToken);
	}

	void algNone()
	{
		JwtCodec codec(hs256Settings());
		std::string payload = R"({"aud":"gpucloud-api","exp":1900000000,"iat":1800000000,"iss":"gpucloud","jti":"j","sub":"1","typ":"access"})";
		std::string token = base64Url(R"({"alg":"none","typ":"JWT"})") + "." + base64Url(payload) + ".";
		CPPUNIT_ASSERT_THROW(codec.verify(token, "access", kNow), InvalidToken);
		CPPUNIT_ASSERT_THROW(codec.verify(token.substr(0, token.size() - 1), "access", kNow), InvalidToken);
	}

	void wrongAlgorithm()
	{
		JwtCodec codec(hs256Settings());
		CPPUNIT_ASSERT_NO_THROW(codec.verify(signRaw("HS256", "gpucloud", "gpucloud-api"), "access", kNow));
		CPPUNIT_ASSERT_THROW(codec.verify(signRaw("HS512", "gpucloud", "gpucloud-api"), "access", kNow), InvalidToken);
	}

	void wrongIssuer()
	{
		JwtCodec codec(hs256Settings());
		CPPUNIT_ASSERT_THROW(codec.verify(signRaw("HS256", "someone-else", "gpucloud-api"), "access", kNow), InvalidToken);
	}

	void wrongAudience()
	{
		JwtCodec codec(hs256Settings());
		CPPUNIT_ASSERT_THROW(codec.verify(signRaw("HS256", "gpucloud", "other-api"), "access", kNow), InvalidToken);
	}

	void expired()
	{
		JwtCodec codec(hs256Settings());
		std::string token = codec.issue("access", "42", "j", std::chrono::seconds(60), kNow);
		CPPUNIT_ASSERT_NO_THROW(codec.verify(token, "access", kNow + 59));
		CPPUNIT_ASSERT_THROW(codec.verify(token, "access", kNow + 60), InvalidToken);
	}

	void wrongType()
	{
		JwtCodec codec(hs256Settings());
		std::string refresh = codec.issue("refresh", "42", "j", std::chrono::seconds(60), kNow);
		CPPUNIT_ASSERT_THROW(codec.verify(refresh, "access", kNow), InvalidToken);
		std::string challenge = codec.issue("2fa_challenge", "42", "j", std::chrono::seconds(60), kNow);
		CPPUNIT_ASSERT_THROW(codec.verify(challenge, "access", kNow), InvalidToken);
	}

	void otherSecret()
	{
		auth::AuthSettings other = hs256Settings();
		other.jwtSecret = "another-secret-that-is-also-32-bytes-long";
		std::string token = JwtCodec(other).issue("access", "42", "j", std::chrono::seconds(60), kNow);
		CPPUNIT_ASSERT_THROW(JwtCodec(hs256Settings()).verify(token, "access", kNow), InvalidToken);
	}

	void garbage()
	{
		JwtCodec codec(hs256Settings());
		CPPUNIT_ASSERT_THROW(codec.verify("not.a.jwt", "access", kNow), InvalidToken);
		CPPUNIT_ASSERT_THROW(codec.verify("", "access", kNow), InvalidToken);
	}

	void rs256RoundTrip()
	{
		testing::TempDir directory;
		JwtCodec codec(rsaSettings(directory));
		std::string token = codec.issue("access", "9", "j", std::chrono::seconds(60), kNow);
		CPPUNIT_ASSERT_EQUAL(std::string("9"), codec.verify(token, "access", kNow).subject);
	}

	void rs256RejectsHs256()
	{
		testing::TempDir directory;
		JwtCodec codec(rsaSettings(directory));
		CPPUNIT_ASSERT_THROW(codec.verify(signRaw("HS256", "gpucloud", "gpucloud-api"), "access", kNow), InvalidToken);
	}

private:
	static auth::AuthSettings rsaSettings(const testing::TempDir& directory)
	{
		Poco::Crypto::RSAKey key(Poco::Crypto::RSAKey::KL_2048, Poco::Crypto::RSAKey::EXP_LARGE);
		auth::AuthSettings settings;
		settings.jwtAlgorithm = "RS256";
		settings.jwtPublicKeyFile = (directory.path() / "public.pem").string();
		settings.jwtPrivateKeyFile = (directory.path() / "private.pem").string();
		key.save(settings.jwtPublicKeyFile, settings.jwtPrivateKeyFile);
		return settings;
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(JwtCodecTest);
