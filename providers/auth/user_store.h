#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <Poco/Data/Session.h>

#include "accounts/account_service.h"

namespace gpucloud::providers::auth
{

/// A `users` row with the credential columns that the API never shows.
struct UserRow
{
	accounts::User user;
	std::string passwordHash;
	std::string totpSecret;  ///< base32; empty when none is set up
	std::int64_t totpLastStep = 0;
};

/// SQL on the `users` table. Every function runs on the session it is given, so callers choose the transaction.
namespace user_store
{

std::optional<UserRow> findById(Poco::Data::Session& session, std::int64_t id);
std::optional<UserRow> findByEmail(Poco::Data::Session& session, const std::string& email);

/// Inserts a user and returns its id. Throws Poco::Data exceptions, including on a duplicate e-mail address.
std::int64_t insert(Poco::Data::Session& session, const std::string& email, const std::string& passwordHash,
	bool isAdmin, std::int64_t now);

void updatePasswordHash(Poco::Data::Session& session, std::int64_t id, const std::string& passwordHash, std::int64_t now);
void setAdmin(Poco::Data::Session& session, std::int64_t id, std::int64_t now);

/// Stores a pending secret (2FA stays off) or, with an empty secret, clears 2FA entirely.
void setTotpSecret(Poco::Data::Session& session, std::int64_t id, const std::string& secret, std::int64_t now);
void setTotpEnabled(Poco::Data::Session& session, std::int64_t id, bool enabled, std::int64_t now);

/// Records `step` as the last accepted TOTP step. Returns false when a step at or after it was already accepted,
/// which makes a concurrent second use of the same code fail.
bool advanceTotpStep(Poco::Data::Session& session, std::int64_t id, std::int64_t step);

} // namespace user_store

} // namespace gpucloud::providers::auth
