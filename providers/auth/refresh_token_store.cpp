#include "auth/refresh_token_store.h"

#include <Poco/Data/Statement.h>
#include <Poco/Nullable.h>

using namespace Poco::Data::Keywords;

namespace gpucloud::providers::auth::refresh_token_store
{

void insert(Poco::Data::Session& session, const std::string& jti, std::int64_t userId, const std::string& familyId,
	std::int64_t issuedAt, std::int64_t expiresAt)
{
	std::string id = jti;
	Poco::Int64 user = userId;
	std::string family = familyId;
	Poco::Int64 issued = issuedAt;
	Poco::Int64 expires = expiresAt;
	session << "INSERT INTO refresh_tokens (jti, user_id, family_id, issued_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
		use(id), use(user), use(family), use(issued), use(expires), now;
}

ConsumeOutcome consume(Poco::Data::Session& session, const std::string& jti, std::int64_t timestamp, std::int64_t& userId,
	std::string& familyId)
{
	std::string id = jti;
	std::vector<Poco::Int64> users;
	std::vector<std::string> families;
	std::vector<Poco::Int64> expires;
	session << "SELECT user_id, family_id, expires_at FROM refresh_tokens WHERE jti = $1", use(id), into(users),
		into(families), into(expires), now;
	if (users.empty())
		return ConsumeOutcome::Unknown;
	userId = users.front();
	familyId = families.front();
	if (expires.front() <= timestamp)
		return ConsumeOutcome::Expired;

	// The conditional update is the check: of two concurrent uses of one token, only one changes the row.
	Poco::Int64 time = timestamp;
	Poco::Data::Statement update(session);
	update << "UPDATE refresh_tokens SET used_at = $1 WHERE jti = $2 AND used_at IS NULL AND revoked_at IS NULL",
		use(time), use(id);
	return update.execute() == 1 ? ConsumeOutcome::Consumed : ConsumeOutcome::Reused;
}

void revokeFamily(Poco::Data::Session& session, const std::string& familyId, std::int64_t timestamp)
{
	std::string family = familyId;
	Poco::Int64 time = timestamp;
	session << "UPDATE refresh_tokens SET revoked_at = $1 WHERE family_id = $2 AND revoked_at IS NULL", use(time),
		use(family), now;
}

void revokeUser(Poco::Data::Session& session, std::int64_t userId, std::int64_t timestamp)
{
	Poco::Int64 user = userId;
	Poco::Int64 time = timestamp;
	session << "UPDATE refresh_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL", use(time),
		use(user), now;
}

} // namespace gpucloud::providers::auth::refresh_token_store
