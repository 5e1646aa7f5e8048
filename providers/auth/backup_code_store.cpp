#include "auth/backup_code_store.h"

#include <Poco/Data/Statement.h>

namespace gpucloud::providers::auth::backup_code_store
{

using Poco::Data::Keywords::into;
using Poco::Data::Keywords::now;

void replace(Poco::Data::Session& session, std::int64_t userId, const std::vector<std::string>& hashes)
{
	removeAll(session, userId);
	Poco::Int64 user = userId;
	for (const std::string& hash : hashes)
	{
		std::string value = hash;
		session << "INSERT INTO totp_backup_codes (user_id, code_hash) VALUES ($1, $2)", Poco::Data::Keywords::use(user),
			Poco::Data::Keywords::use(value), now;
	}
}

bool markUsed(Poco::Data::Session& session, std::int64_t userId, const std::string& hash, std::int64_t time)
{
	Poco::Int64 usedAt = time;
	Poco::Int64 user = userId;
	std::string value = hash;
	Poco::Data::Statement statement(session);
	statement << "UPDATE totp_backup_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
		Poco::Data::Keywords::use(usedAt), Poco::Data::Keywords::use(user), Poco::Data::Keywords::use(value);
	return statement.execute() >= 1;
}

void removeAll(Poco::Data::Session& session, std::int64_t userId)
{
	Poco::Int64 user = userId;
	session << "DELETE FROM totp_backup_codes WHERE user_id = $1", Poco::Data::Keywords::use(user), now;
}

} // namespace gpucloud::providers::auth::backup_code_store
