#include "auth/user_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace gpucloud::providers::auth::user_store
{

namespace
{

const std::string kColumns = "SELECT id, email, tier, status, is_admin, email_verified, totp_enabled, max_vms, "
							 "max_hourly_spend_micros, balance_micros, created_at, password_hash, totp_secret, "
							 "totp_last_step FROM users ";

std::int64_t integer(const Poco::Data::RecordSet& rows, std::size_t column)
{
	return rows.value(column, 0).convert<Poco::Int64>();
}

std::optional<UserRow> readRow(Poco::Data::Statement& statement)
{
	statement.execute();
	Poco::Data::RecordSet rows(statement);
	if (rows.rowCount() == 0)
		return std::nullopt;

	UserRow row;
	accounts::User& user = row.user;
	user.id = integer(rows, 0);
	user.email = rows.value(1, 0).convert<std::string>();
	user.tier = rows.value(2, 0).convert<std::string>();
	user.status = rows.value(3, 0).convert<std::string>();
	user.isAdmin = integer(rows, 4) != 0;
	user.emailVerified = integer(rows, 5) != 0;
	user.totpEnabled = integer(rows, 6) != 0;
	user.maxVms = integer(rows, 7);
	user.maxHourlySpend = integer(rows, 8);
	user.balance = integer(rows, 9);
	user.createdAt = integer(rows, 10);
	row.passwordHash = rows.value(11, 0).convert<std::string>();
	if (!rows.isNull(12, 0))
		row.totpSecret = rows.value(12, 0).convert<std::string>();
	row.totpLastStep = integer(rows, 13);
	return row;
}

} // namespace

std::optional<UserRow> findById(Poco::Data::Session& session, std::int64_t id)
{
	Poco::Int64 key = id;
	Poco::Data::Statement statement(session);
	statement << kColumns + "WHERE id = $1", use(key);
	return readRow(statement);
}

std::optional<UserRow> findByEmail(Poco::Data::Session& session, const std::string& email)
{
	std::string key = email;
	Poco::Data::Statement statement(session);
	statement << kColumns + "WHERE email = $1", use(key);
	return readRow(statement);
}

std::int64_t insert(Poco::Data::Session& session, const std::string& email, const std::string& passwordHash,
	bool isAdmin, std::int64_t timestamp)
{
	std::string address = email;
	std::string hash = passwordHash;
	int admin = isAdmin ? 1 : 0;
	Poco::Int64 time = timestamp;
	session << "INSERT INTO users (email, password_hash, is_admin, created_at, updated_at) VALUES ($1, $2, $3, $4, $5)",
		use(address), use(hash), use(admin), use(time), use(time), now;
	// Poco 1.11's SQLite connector does not return the rows of INSERT ... RETURNING, so the id is read back by the
	// unique e-mail address.
	Poco::Int64 id = 0;
	session << "SELECT id FROM users WHERE email = $1", use(address), into(id), now;
	return id;
}

void updatePasswordHash(Poco::Data::Session& session, std::int64_t id, const std::string& passwordHash, std::int64_t timestamp)
{
	std::string hash = passwordHash;
	Poco::Int64 time = timestamp;
	Poco::Int64 key = id;
	session << "UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3", use(hash), use(time), use(key), now;
}

void setAdmin(Poco::Data::Session& session, std::int64_t id, std::int64_t timestamp)
{
	Poco::Int64 time = timestamp;
	Poco::Int64 key = id;
	session << "UPDATE users SET is_admin = 1, updated_at = $1 WHERE id = $2", use(time), use(key), now;
}

void setTotpSecret(Poco::Data::Session& session, std::int64_t id, const std::string& secret, std::int64_t timestamp)
{
	Poco::Nullable<std::string> value;
	if (!secret.empty())
		value = secret;
	Poco::Int64 time = timestamp;
	Poco::Int64 key = id;
	session << "UPDATE users SET totp_secret = $1, totp_enabled = 0, updated_at = $2 WHERE id = $3", use(value),
		use(time), use(key), now;
}

void setTotpEnabled(Poco::Data::Session& session, std::int64_t id, bool enabled, std::int64_t timestamp)
{
	int flag = enabled ? 1 : 0;
	Poco::Int64 time = timestamp;
	Poco::Int64 key = id;
	session << "UPDATE users SET totp_enabled = $1, updated_at = $2 WHERE id = $3", use(flag), use(time), use(key), now;
}

bool advanceTotpStep(Poco::Data::Session& session, std::int64_t id, std::int64_t step)
{
	Poco::Int64 value = step;
	Poco::Int64 key = id;
	Poco::Data::Statement statement(session);
	statement << "UPDATE users SET totp_last_step = $1 WHERE id = $2 AND totp_last_step < $1", use(value), use(key);
	return statement.execute() == 1;
}

} // namespace gpucloud::providers::auth::user_store
