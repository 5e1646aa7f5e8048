#pragma once

#include <cstdint>
#include <string>

#include <Poco/Data/Session.h>

namespace gpucloud::providers::auth
{

/// SQL on the `refresh_tokens` table. A family is every token that descends from one login by rotation.
namespace refresh_token_store
{

enum class ConsumeOutcome
{
	Consumed,  ///< the token was live and is now used
	Unknown,   ///< no such token
	Reused,    ///< the token was already used or revoked
	Expired,
};

void insert(Poco::Data::Session& session, const std::string& jti, std::int64_t userId, const std::string& familyId,
	std::int64_t issuedAt, std::int64_t expiresAt);

/// Marks the token used if it is live. `userId` and `familyId` receive its owner and family when it exists.
ConsumeOutcome consume(Poco::Data::Session& session, const std::string& jti, std::int64_t now, std::int64_t& userId,
	std::string& familyId);

void revokeFamily(Poco::Data::Session& session, const std::string& familyId, std::int64_t now);
void revokeUser(Poco::Data::Session& session, std::int64_t userId, std::int64_t now);

} // namespace refresh_token_store

} // namespace gpucloud::providers::auth
