#include "vms/idempotency_store.h"

#include <Poco/Data/Statement.h>

using namespace Poco::Data::Keywords;

namespace gpucloud::vms::idempotency_store
{

std::optional<StoredResponse> find(Poco::Data::Session& session, std::int64_t userId, const std::string& key)
{
	Poco::Int64 user = userId;
	std::string name = key;
	StoredResponse response;
	Poco::Int64 createdAt = 0;
	Poco::Data::Statement select(session);
	select << "SELECT request_hash, response_status, response_body, created_at FROM idempotency_keys "
			  "WHERE user_id = $1 AND idempotency_key = $2",
		use(user), use(name), into(response.requestHash), into(response.status), into(response.body),
		into(createdAt), limit(1);
	if (select.execute() == 0)
		return std::nullopt;
	response.createdAt = createdAt;
	return response;
}

void save(Poco::Data::Session& session, std::int64_t userId, const std::string& key, const StoredResponse& response)
{
	Poco::Int64 user = userId;
	std::string name = key;
	std::string hash = response.requestHash;
	int status = response.status;
	std::string body = response.body;
	Poco::Int64 createdAt = response.createdAt;
	session << "INSERT INTO idempotency_keys (user_id, idempotency_key, request_hash, response_status, "
			   "response_body, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
		use(user), use(name), use(hash), use(status), use(body), use(createdAt), now;
}

void remove(Poco::Data::Session& session, std::int64_t userId, const std::string& key)
{
	Poco::Int64 user = userId;
	std::string name = key;
	session << "DELETE FROM idempotency_keys WHERE user_id = $1 AND idempotency_key = $2", use(user), use(name), now;
}

std::size_t purge(Poco::Data::Session& session, std::int64_t cutoff)
{
	Poco::Int64 before = cutoff;
	Poco::Data::Statement statement(session);
	statement << "DELETE FROM idempotency_keys WHERE created_at < $1", use(before);
	return statement.execute();
}

} // namespace gpucloud::vms::idempotency_store
