// Sessions of LocalAccountService: the second login step, refresh-token rotation and logout.
#include "auth/local_account_service.h"

#include <Poco/Data/Statement.h>
#include <Poco/NumberParser.h>

#include "auth/refresh_token_store.h"
#include "http/api_error.h"
#include "util/random.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::providers::auth
{

namespace
{

std::int64_t subjectUserId(const TokenClaims& claims)
{
	Poco::Int64 id = 0;
	if (!Poco::NumberParser::tryParse64(claims.subject, id) || id <= 0)
		throw InvalidToken("Token subject is not a user id");
	return id;
}

} // namespace

accounts::TokenPair LocalAccountService::verifyTwoFactor(const std::string& challengeToken, const std::string& code,
	const std::string& clientAddress)
{
	std::int64_t userId = 0;
	TokenClaims challenge;
	try
	{
		challenge = _jwt->verify(challengeToken, kChallengeToken, _clock());
		userId = subjectUserId(challenge);
	}
	catch (const InvalidToken& error)
	{
		_logger.information("Rejected 2FA challenge from %s: %s", clientAddress, std::string(error.what()));
		throw http::unauthorized("Invalid or expired 2FA challenge; log in again");
	}
	limitAttempts("user:" + std::to_string(userId));

	UserRow row = requireUser(userId);
	if (row.user.status != "active" || !row.user.totpEnabled)
		throw http::unauthorized("Invalid or expired 2FA challenge; log in again");
	// Checked before the code, so that a reused challenge spends no backup code; consumeChallenge() below settles
	// a race between two requests with the same challenge.
	if (challengeUsed(challenge))
		throw http::unauthorized("This 2FA challenge was already used; log in again");
	if (!checkSecondFactor(row, code, true))
	{
		_logger.information("Wrong 2FA code for user %Ld from %s", static_cast<Poco::Int64>(userId), clientAddress);
		throw http::unauthorized("Invalid two-factor code");
	}
	if (!consumeChallenge(challenge, userId))
	{
		_logger.information("Reused 2FA challenge for user %Ld from %s", static_cast<Poco::Int64>(userId), clientAddress);
		throw http::unauthorized("This 2FA challenge was already used; log in again");
	}
	_logger.information("User %Ld logged in with 2FA from %s", static_cast<Poco::Int64>(userId), clientAddress);
	return issueTokens(userId, util::uuid4());
}

bool LocalAccountService::challengeUsed(const TokenClaims& challenge)
{
	std::string jti = challenge.id;
	Poco::Int64 count = 0;
	Poco::Data::Session session = _database.session();
	session << "SELECT COUNT(*) FROM used_2fa_challenges WHERE jti = $1", use(jti), into(count), now;
	return count != 0;
}

bool LocalAccountService::consumeChallenge(const TokenClaims& challenge, std::int64_t userId)
{
	std::string jti = challenge.id;
	Poco::Int64 user = userId;
	Poco::Int64 usedAt = _clock();
	Poco::Int64 expiresAt = challenge.expiresAt;
	Poco::Data::Session session = _database.session();
	Poco::Data::Statement insert(session);
	insert << "INSERT INTO used_2fa_challenges (jti, user_id, used_at, expires_at) VALUES ($1, $2, $3, $4) "
			  "ON CONFLICT (jti) DO NOTHING",
		use(jti), use(user), use(usedAt), use(expiresAt);
	return insert.execute() == 1;
}

accounts::TokenPair LocalAccountService::refresh(const std::string& refreshToken)
{
	TokenClaims claims;
	try
	{
		claims = _jwt->verify(refreshToken, kRefreshToken, _clock());
		subjectUserId(claims);
	}
	catch (const InvalidToken& error)
	{
		_logger.debug("Rejected refresh token: %s", std::string(error.what()));
		throw http::unauthorized("Invalid or expired refresh token");
	}

	std::int64_t now = _clock();
	std::int64_t userId = 0;
	std::string familyId;
	auto outcome = _database.transaction([&](Poco::Data::Session& session) {
		auto result = refresh_token_store::consume(session, claims.id, now, userId, familyId);
		if (result == refresh_token_store::ConsumeOutcome::Reused)
			refresh_token_store::revokeFamily(session, familyId, now);
		return result;
	});

	switch (outcome)
	{
	case refresh_token_store::ConsumeOutcome::Consumed: break;
	case refresh_token_store::ConsumeOutcome::Reused:
		_logger.warning("Refresh token reuse for user %Ld (jti %s): family %s revoked", static_cast<Poco::Int64>(userId),
			claims.id, familyId);
		throw http::unauthorized("Refresh token was already used; this session has been revoked, log in again");
	case refresh_token_store::ConsumeOutcome::Unknown:
	case refresh_token_store::ConsumeOutcome::Expired: throw http::unauthorized("Invalid or expired refresh token");
	}

	UserRow row = requireUser(userId);
	if (row.user.status != "active")
		throw http::unauthorized("Account " + std::to_string(userId) + " is " + row.user.status);
	return issueTokens(userId, familyId);
}

void LocalAccountService::logout(std::int64_t userId, const std::optional<std::string>& refreshToken)
{
	std::int64_t now = _clock();
	if (!refreshToken)
	{
		Poco::Data::Session session = _database.session();
		refresh_token_store::revokeUser(session, userId, now);
		_logger.information("User %Ld logged out everywhere", static_cast<Poco::Int64>(userId));
		return;
	}

	TokenClaims claims;
	try
	{
		// An expired refresh token still names its family, and revoking that is what the caller asks for.
		claims = _jwt->verify(*refreshToken, kRefreshToken, 0);
	}
	catch (const InvalidToken&)
	{
		throw http::unauthorized("Invalid refresh token");
	}
	if (claims.subject != std::to_string(userId))
		throw http::unauthorized("Invalid refresh token");

	_database.transaction([&](Poco::Data::Session& session) {
		std::int64_t owner = 0;
		std::string familyId;
		auto outcome = refresh_token_store::consume(session, claims.id, now, owner, familyId);
		if (outcome != refresh_token_store::ConsumeOutcome::Unknown)
			refresh_token_store::revokeFamily(session, familyId, now);
	});
	_logger.information("User %Ld logged out one session", static_cast<Poco::Int64>(userId));
}

} // namespace gpucloud::providers::auth
