#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "db/database.h"

namespace gpucloud::bench
{

/// The amount and shape of the data that ScaleSeeder writes.
struct ScaleSpec
{
	int users = 1;
	int vmsPerUser = 0;
	/// Status of the seeded VMs: "running", "stopped", or "mixed" (of every 10 VMs, 6 running, 3 stopped and
	/// 1 destroyed).
	std::string vmStatus = "running";
	int apiKeyUsers = 1;                       ///< the first users that get one API key each
	std::string apiKeyPrefix = "nv_live_";     ///< must match auth.api_key_prefix of the server
	std::vector<std::string> nodes = {"vm01", "vm02"};  ///< VM i runs on nodes[i % nodes.size()]
	std::string backend = "mock";              ///< backend instance name stored in vms.backend
	std::int64_t balanceMicros = 1000000000000;  ///< 1,000,000 USD per user, so no benchmark runs out of credit
	std::int64_t maxVms = 1000000;
	std::int64_t maxHourlySpendMicros = 1000000000000;
	std::int64_t chargedSecondsAgo = 60;       ///< billing cursor of each billable VM: now minus this
	std::uint64_t argon2Ops = 2;               ///< Argon2id cost of the password hash (server default: 2 passes)
	std::uint64_t argon2MemoryKib = 64 * 1024; ///< and 64 MiB, the server default
};

/// The rows ScaleSeeder wrote and the secrets the benchmark scripts need.
struct SeedResult
{
	std::vector<std::int64_t> userIds;
	std::vector<std::string> emails;
	std::vector<std::string> apiKeys;  ///< secrets of the API keys, in user order
	std::int64_t vms = 0;
	std::int64_t billableVms = 0;
};

/// Writes benchmark scale data (users, API keys, VMs with their status history and billing cursors) straight into
/// a database that has the server's schema, in batches of a few thousand rows per transaction. Rows look like the
/// ones the server writes: API keys are stored as the SHA-256 hex digest of the whole key, passwords as Argon2id
/// strings, money in micro-dollars and times in Unix seconds.
///
/// NOTE: the VMs exist only in the database, not on any backend, and no GPU allocation rows are written. A
/// server that reconciles against the backend marks them offline, so benchmarks that start a server on seeded
/// data raise the reconciler's interval.
class ScaleSeeder
{
public:
	/// Every user's password; benchmarks that log in use it.
	static const std::string kPassword;

	explicit ScaleSeeder(db::Database& database);

	/// Writes the data of `spec`. Throws Poco::Exception when the database rejects a row, for instance because the
	/// seeded e-mail addresses exist already.
	SeedResult seed(const ScaleSpec& spec);

private:
	std::vector<std::int64_t> insertUsers(const ScaleSpec& spec, std::vector<std::string>& emails);
	std::vector<std::string> insertApiKeys(const ScaleSpec& spec, const std::vector<std::int64_t>& userIds);
	void insertVms(const ScaleSpec& spec, const std::vector<std::int64_t>& userIds, SeedResult& result);
	bool hasColumn(const std::string& table, const std::string& column);

	db::Database& _database;
};

} // namespace gpucloud::bench
