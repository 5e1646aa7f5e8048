#include "sshkeys/ssh_key_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include "http/api_error.h"
#include "sshkeys/ssh_public_key.h"
#include "util/random.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::sshkeys
{

namespace
{

const char* kColumns = "SELECT id, user_id, label, key_type, public_key, fingerprint, created_at FROM ssh_keys ";

std::string duplicateDetail(const SshKeyRecord& existing)
{
	return "This SSH key is already on file as '" + existing.label + "' (id " + existing.id + ")";
}

} // namespace

SshKeyRecord SshKeyStore::add(std::int64_t userId, const std::string& publicKey, const std::string& label)
{
	SshPublicKey parsed;
	try
	{
		parsed = parseSshPublicKey(publicKey);
	}
	catch (const InvalidSshKey& error)
	{
		throw http::ApiError::validation({"body", "ssh_public_key"}, error.what(), "value_error");
	}

	SshKeyRecord record;
	record.id = util::uuid4();
	record.userId = userId;
	record.label = label;
	record.keyType = parsed.type;
	record.publicKey = parsed.line();
	record.fingerprint = parsed.fingerprint;
	record.createdAt = db::unixNow();

	try
	{
		_database.transaction([&](Poco::Data::Session& session) {
			Poco::Int64 count = 0;
			Poco::Int64 user = userId;
			session << "SELECT COUNT(*) FROM ssh_keys WHERE user_id = $1", use(user), into(count), now;
			std::string existingId;
			std::string existingLabel;
			Poco::Data::Statement duplicate(session);
			duplicate << "SELECT id, label FROM ssh_keys WHERE user_id = $1 AND fingerprint = $2", use(user),
				use(record.fingerprint), into(existingId), into(existingLabel), limit(1);
			if (duplicate.execute() > 0)
				throw http::conflict(duplicateDetail(SshKeyRecord{existingId, userId, existingLabel, "", "", "", 0}));
			if (count >= kMaxKeysPerUser)
				throw http::forbidden("SSH key limit reached: an account may keep at most "
					+ std::to_string(kMaxKeysPerUser) + " keys; delete one first");

			Poco::Int64 createdAt = record.createdAt;
			session << "INSERT INTO ssh_keys (id, user_id, label, key_type, public_key, fingerprint, created_at) "
					   "VALUES ($1, $2, $3, $4, $5, $6, $7)",
				use(record.id), use(user), use(record.label), use(record.keyType), use(record.publicKey),
				use(record.fingerprint), use(createdAt), now;
		});
	}
	catch (const Poco::Data::DataException&)
	{
		// A concurrent request stored the same key between the check and the insert: UNIQUE (user_id, fingerprint).
		std::vector<SshKeyRecord> existing = select("user_id = $1 AND fingerprint = $2", userId, record.fingerprint, "");
		if (existing.empty())
			throw;
		throw http::conflict(duplicateDetail(existing.front()));
	}
	return record;
}

std::vector<SshKeyRecord> SshKeyStore::list(std::int64_t userId)
{
	return select("user_id = $1", userId, "", "ORDER BY created_at DESC, id DESC");
}

std::optional<SshKeyRecord> SshKeyStore::find(std::int64_t userId, const std::string& id)
{
	std::vector<SshKeyRecord> rows = select("user_id = $1 AND id = $2", userId, id, "");
	if (rows.empty())
		return std::nullopt;
	return rows.front();
}

std::optional<SshKeyRecord> SshKeyStore::oldest(std::int64_t userId)
{
	std::vector<SshKeyRecord> rows = select("user_id = $1", userId, "", "ORDER BY created_at ASC, id ASC");
	if (rows.empty())
		return std::nullopt;
	return rows.front();
}

bool SshKeyStore::remove(std::int64_t userId, const std::string& id)
{
	Poco::Data::Session session = _database.session();
	Poco::Int64 user = userId;
	std::string keyId = id;
	Poco::Data::Statement statement(session);
	statement << "DELETE FROM ssh_keys WHERE user_id = $1 AND id = $2", use(user), use(keyId);
	return statement.execute() > 0;
}

std::vector<SshKeyRecord> SshKeyStore::select(const std::string& where, std::int64_t userId, const std::string& id,
	const std::string& order)
{
	Poco::Data::Session session = _database.session();
	Poco::Data::Statement statement(session);
	Poco::Int64 user = userId;
	std::string second = id;
	statement << std::string(kColumns) + "WHERE " + where + " " + order, use(user);
	if (where.find("$2") != std::string::npos)
		statement, use(second);
	statement.execute();

	Poco::Data::RecordSet rows(statement);
	std::vector<SshKeyRecord> records;
	for (std::size_t row = 0; row < rows.rowCount(); ++row)
	{
		SshKeyRecord record;
		record.id = rows.value(0, row).convert<std::string>();
		record.userId = rows.value(1, row).convert<Poco::Int64>();
		record.label = rows.value(2, row).convert<std::string>();
		record.keyType = rows.value(3, row).convert<std::string>();
		record.publicKey = rows.value(4, row).convert<std::string>();
		record.fingerprint = rows.value(5, row).convert<std::string>();
		record.createdAt = rows.value(6, row).convert<Poco::Int64>();
		records.push_back(std::move(record));
	}
	return records;
}

} // namespace gpucloud::sshkeys
