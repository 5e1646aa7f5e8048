#include "support/vm_status_counts_check.h"

#include <map>
#include <tuple>
#include <vector>

using namespace Poco::Data::Keywords;

namespace gpucloud::testing
{

namespace
{

using Counts = std::map<std::pair<Poco::Int64, std::string>, Poco::Int64>;

Counts readCounts(Poco::Data::Session& session, const std::string& sql)
{
	std::vector<Poco::Int64> users;
	std::vector<std::string> statuses;
	std::vector<Poco::Int64> counts;
	session << sql, into(users), into(statuses), into(counts), now;
	Counts result;
	for (std::size_t i = 0; i < users.size(); ++i)
	{
		if (counts[i] != 0)
			result[{users[i], statuses[i]}] = counts[i];
	}
	return result;
}

std::string describe(const Counts& counts)
{
	std::string text;
	for (const auto& [key, count] : counts)
		text += (text.empty() ? "" : ", ") + std::to_string(key.first) + "/" + key.second + "=" + std::to_string(count);
	return "{" + text + "}";
}

std::string compare(db::Database& database, const std::string& step)
{
	Poco::Data::Session session = database.session();
	Counts stored = readCounts(session, "SELECT user_id, status, vm_count FROM vm_status_counts");
	Counts counted = readCounts(session, "SELECT user_id, status, COUNT(*) FROM vms GROUP BY user_id, status");
	if (stored == counted)
		return "";
	return "after " + step + ": vm_status_counts " + describe(stored) + ", vms " + describe(counted);
}

void insertVm(Poco::Data::Session& session, const std::string& id, Poco::Int64 userId, const std::string& status)
{
	std::string vmId = id;
	std::string state = status;
	session << "INSERT INTO vms (id, user_id, backend, node, template_vmid, gpu_type, gpu_count, storage_gb, ram_gb, "
			   "cpu_cores, rental_type, status, gpu_hourly_rate_micros, storage_hourly_rate_micros, created_at, "
			   "updated_at) VALUES ($1, $2, 'mock', 'n1', 100, '5090', 1, 50, 64, 16, 'on_demand', $3, 890000, 7000, "
			   "0, 0)",
		use(vmId), use(userId), use(state), now;
}

} // namespace

std::string vmStatusCountsMismatch(db::Database& database)
{
	database.transaction([](Poco::Data::Session& session) {
		session << "INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES "
				   "(901, 'counts-a@example.com', 'x', 0, 0), (902, 'counts-b@example.com', 'x', 0, 0)",
			now;
		insertVm(session, "count-1", 901, "creating");
		insertVm(session, "count-2", 901, "creating");
		insertVm(session, "count-3", 902, "running");
	});
	std::string mismatch = compare(database, "inserts");
	if (!mismatch.empty())
		return mismatch;

	database.transaction([](Poco::Data::Session& session) {
		session << "UPDATE vms SET status = 'running' WHERE id = 'count-1'", now;
		session << "UPDATE vms SET status = 'running' WHERE id = 'count-1'", now;  // no change
		session << "UPDATE vms SET status_reason = 'label only' WHERE id = 'count-2'", now;
		session << "UPDATE vms SET status = 'destroyed', user_id = 902 WHERE id = 'count-2'", now;
		// To a status that sorts before the old one, which PostgreSQL's trigger handles in its own order.
		session << "UPDATE vms SET status = 'failed' WHERE id = 'count-3'", now;
	});
	mismatch = compare(database, "updates");
	if (!mismatch.empty())
		return mismatch;

	database.transaction([](Poco::Data::Session& session) {
		session << "DELETE FROM vms WHERE id = 'count-3'", now;
	});
	return compare(database, "delete");
}

} // namespace gpucloud::testing
