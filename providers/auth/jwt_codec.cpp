#include "auth/jwt_codec.h"

#include <Poco/Crypto/ECKey.h>
#include <Poco/Crypto/RSAKey.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JWT/Signer.h>
#include <Poco/JWT/Token.h>

#include "config/config_error.h"

namespace gpucloud::providers::auth
{

namespace
{

std::unique_ptr<Poco::JWT::Signer> makeSigner(const gpucloud::auth::AuthSettings& settings)
{
	if (settings.jwtAlgorithm == "HS256")
		return std::make_unique<Poco::JWT::Signer>(settings.jwtSecret);
	try
	{
		if (settings.jwtAlgorithm == "RS256")
		{
			Poco::SharedPtr<Poco::Crypto::RSAKey> key = new Poco::Crypto::RSAKey(settings.jwtPublicKeyFile,
				settings.jwtPrivateKeyFile, "");
			return std::make_unique<Poco::JWT::Signer>(key);
		}
		Poco::SharedPtr<Poco::Crypto::ECKey> key = new Poco::Crypto::ECKey(settings.jwtPublicKeyFile,
			settings.jwtPrivateKeyFile, "");
		return std::make_unique<Poco::JWT::Signer>(key);
	}
	catch (const Poco::Exception& error)
	{
		throw config::ConfigError("The key files of 'auth.jwt_private_key_file' and 'auth.jwt_public_key_file' cannot "
			"be loaded for " + settings.jwtAlgorithm + ": " + error.displayText());
	}
}

std::int64_t integerClaim(const Poco::JSON::Object& payload, const std::string& name)
{
	Poco::Dynamic::Var value = payload.get(name);
	if (value.isEmpty() || !value.isNumeric())
		throw InvalidToken("Token has no numeric '" + name + "' claim");
	return value.convert<Poco::Int64>();
}

std::string stringClaim(const Poco::JSON::Object& payload, const std::string& name)
{
	Poco::Dynamic::Var value = payload.get(name);
	if (value.isEmpty() || !value.isString())
		throw InvalidToken("Token has no '" + name + "' claim");
	return value.extract<std::string>();
}

bool hasAudience(const Poco::JSON::Object& payload, const std::string& audience)
{
	Poco::Dynamic::Var value = payload.get("aud");
	if (value.isString())
		return value.extract<std::string>() == audience;
	if (value.type() == typeid(Poco::JSON::Array::Ptr))
	{
		Poco::JSON::Array::Ptr array = value.extract<Poco::JSON::Array::Ptr>();
		for (std::size_t i = 0; i < array->size(); ++i)
		{
			if (array->get(static_cast<unsigned>(i)).toString() == audience)
				return true;
		}
	}
	return false;
}

} // namespace

JwtCodec::JwtCodec(const gpucloud::auth::AuthSettings& settings)
	: _algorithm(settings.jwtAlgorithm)
	, _issuer(settings.issuer)
	, _audience(settings.audience)
	, _signer(makeSigner(settings))
{
	// Only the configured algorithm verifies: this rejects "none" and algorithm confusion (an HS256 token made
	// with an RSA public key as the secret).
	_signer->setAlgorithms({_algorithm});
}

JwtCodec::~JwtCodec() = default;

std::string JwtCodec::issue(const std::string& type, const std::string& subject, const std::string& id,
	std::chrono::seconds ttl, std::int64_t now) const
{
	Poco::JWT::Token token;
	token.setType("JWT");
	Poco::JSON::Object& payload = token.payload();
	payload.set("sub", subject);
	payload.set("iss", _issuer);
	payload.set("aud", _audience);
	payload.set("typ", type);
	payload.set("jti", id);
	// Integer NumericDate: Poco's setIssuedAt() would write fractional seconds.
	payload.set("iat", static_cast<Poco::Int64>(now));
	payload.set("exp", static_cast<Poco::Int64>(now + ttl.count()));
	return _signer->sign(token, _algorithm);
}

TokenClaims JwtCodec::verify(const std::string& token, const std::string& expectedType, std::int64_t now) const
{
	Poco::JWT::Token parsed;
	try
	{
		// tryVerify() throws for "none", unallowed algorithms and malformed tokens, and returns false for a bad
		// signature; both end here as InvalidToken.
		if (!_signer->tryVerify(token, parsed))
			throw InvalidToken("Token signature is invalid");
	}
	catch (const Poco::Exception& error)
	{
		throw InvalidToken("Token is rejected: " + error.displayText());
	}

	const Poco::JSON::Object& payload = parsed.payload();
	if (parsed.getAlgorithm() != _algorithm)
		throw InvalidToken("Token algorithm '" + parsed.getAlgorithm() + "' is not " + _algorithm);
	if (stringClaim(payload, "iss") != _issuer)
		throw InvalidToken("Token issuer is not '" + _issuer + "'");
	if (!hasAudience(payload, _audience))
		throw InvalidToken("Token audience is not '" + _audience + "'");

	TokenClaims claims;
	claims.type = stringClaim(payload, "typ");
	if (claims.type != expectedType)
		throw InvalidToken("Token type '" + claims.type + "' is not '" + expectedType + "'");
	claims.subject = stringClaim(payload, "sub");
	claims.id = stringClaim(payload, "jti");
	claims.issuedAt = integerClaim(payload, "iat");
	claims.expiresAt = integerClaim(payload, "exp");
	// Poco JWT does not check exp itself.
	if (claims.expiresAt <= now)
		throw InvalidToken("Token expired");
	return claims;
}

} // namespace gpucloud::providers::auth
