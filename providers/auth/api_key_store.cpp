#include "auth/api_key_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include "config/config_section.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::providers::auth::api_key_store
{

namespace
{

const std::string kColumns = "SELECT id, name, scopes, prefix, created_at, last_used_at, expires_at, revoked_at, "
							 "user_id FROM api_keys ";

std::string joinScopes(const std::vector<std::string>& scopes)
{
	std::string text;
	for (const std::string& scope : scopes)
		text += (text.empty() ? "" : ",") + scope;
	return text;
}

std::optional<std::int64_t> optionalInteger(const Poco::Data::RecordSet& rows, std::size_t column, std::size_t row)
{
	if (rows.isNull(column, row))
		return std::nullopt;
	return rows.value(column, row).convert<Poco::Int64>();
}

StoredApiKey readRow(const Poco::Data::RecordSet& rows, std::size_t row)
{
	StoredApiKey stored;
	accounts::ApiKey& key = stored.key;
	key.id = rows.value(0, row).convert<std::string>();
	key.name = rows.value(1, row).convert<std::string>();
	key.scopes = config::splitList(rows.value(2, row).convert<std::string>());
	key.prefix = rows.value(3, row).convert<std::string>();
	key.createdAt = rows.value(4, row).convert<Poco::Int64>();
	key.lastUsedAt = optionalInteger(rows, 5, row);
	key.expiresAt = optionalInteger(rows, 6, row);
	key.revoked = !rows.isNull(7, row);
	stored.userId = rows.value(8, row).convert<Poco::Int64>();
	return stored;
}

} // namespace

void insert(Poco::Data::Session& session, const StoredApiKey& stored, const std::string& keyHash)
{
	std::string id = stored.key.id;
	Poco::Int64 userId = stored.userId;
	std::string name = stored.key.name;
	std::string hash = keyHash;
	std::string prefix = stored.key.prefix;
	std::string scopes = joinScopes(stored.key.scopes);
	Poco::Int64 createdAt = stored.key.createdAt;
	Poco::Nullable<Poco::Int64> expiresAt;
	if (stored.key.expiresAt)
		expiresAt = static_cast<Poco::Int64>(*stored.key.expiresAt);
	session << "INSERT INTO api_keys (id, user_id, name, key_hash, prefix, scopes, created_at, expires_at) "
			   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
		use(id), use(userId), use(name), use(hash), use(prefix), use(scopes), use(createdAt), use(expiresAt), now;
}

std::int64_t countLive(Poco::Data::Session& session, std::int64_t userId, std::int64_t timestamp)
{
	Poco::Int64 user = userId;
	Poco::Int64 time = timestamp;
	Poco::Int64 count = 0;
	session << "SELECT COUNT(*) FROM api_keys WHERE user_id = $1 AND revoked_at IS NULL "
			   "AND (expires_at IS NULL OR expires_at > $2)",
		use(user), use(time), into(count), now;
	return count;
}

std::vector<accounts::ApiKey> list(Poco::Data::Session& session, std::int64_t userId, bool includeRevoked)
{
	Poco::Int64 user = userId;
	Poco::Data::Statement statement(session);
	statement << kColumns + "WHERE user_id = $1" + (includeRevoked ? "" : " AND revoked_at IS NULL")
			+ " ORDER BY created_at DESC, id DESC",
		use(user);
	statement.execute();
	Poco::Data::RecordSet rows(statement);
	std::vector<accounts::ApiKey> keys;
	for (std::size_t row = 0; row < rows.rowCount(); ++row)
		keys.push_back(readRow(rows, row).key);
	return keys;
}

bool revoke(Poco::Data::Session& session, std::int64_t userId, const std::string& id, std::int64_t timestamp)
{
	Poco::Int64 user = userId;
	std::string key = id;
	Poco::Int64 count = 0;
	session << "SELECT COUNT(*) FROM api_keys WHERE id = $1 AND user_id = $2", use(key), use(user), into(count), now;
	if (count == 0)
		return false;
	Poco::Int64 time = timestamp;
	session << "UPDATE api_keys SET revoked_at = $1 WHERE id = $2 AND user_id = $3 AND revoked_at IS NULL", use(time),
		use(key), use(user), now;
	return true;
}

std::optional<StoredApiKey> findByHash(Poco::Data::Session& session, const std::string& keyHash)
{
	std::string hash = keyHash;
	Poco::Data::Statement statement(session);
	statement << kColumns + "WHERE key_hash = $1", use(hash);
	statement.execute();
	Poco::Data::RecordSet rows(statement);
	if (rows.rowCount() == 0)
		return std::nullopt;
	return readRow(rows, 0);
}

void touch(Poco::Data::Session& session, const std::string& id, std::int64_t timestamp)
{
	std::string key = id;
	Poco::Int64 time = timestamp;
	session << "UPDATE api_keys SET last_used_at = $1 WHERE id = $2", use(time), use(key), now;
}

} // namespace gpucloud::providers::auth::api_key_store
