#include "scale_seeder.h"

#include <algorithm>
#include <stdexcept>

#include <Poco/Data/Statement.h>
#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>
#include <sodium.h>

#include "util/random.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::bench
{

namespace
{

constexpr std::size_t kBatchRows = 5000;

std::string sha256Hex(const std::string& text)
{
	Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
	engine.update(text);
	return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string hashPassword(const std::string& password, std::uint64_t ops, std::uint64_t memoryKib)
{
	if (sodium_init() < 0)
		throw std::runtime_error("libsodium initialisation failed");
	char encoded[crypto_pwhash_STRBYTES];
	if (crypto_pwhash_str_alg(encoded, password.data(), password.size(), ops, static_cast<std::size_t>(memoryKib) * 1024,
			crypto_pwhash_ALG_ARGON2ID13) != 0)
	{
		throw std::runtime_error("Argon2id hashing failed (out of memory?)");
	}
	return encoded;
}

std::string statusOf(const ScaleSpec& spec, std::int64_t index)
{
	if (spec.vmStatus != "mixed")
		return spec.vmStatus;
	int slot = static_cast<int>(index % 10);
	if (slot < 6)
		return "running";
	return slot < 9 ? "stopped" : "destroyed";
}

/// Column vectors of one batch of VM rows, bound with Poco Data's bulk `use()`.
struct VmBatch
{
	std::vector<std::string> id, backend, node, backendRef, gpuType, rentalType, status, ipAddress, gpuAddresses;
	std::vector<Poco::Int64> vmid, userId, templateVmid, gpuRate, storageRate, createdAt, createdMs, startedAt,
		stoppedAt, destroyedAt;
	std::vector<int> gpuCount, storageGb, ramGb, cpuCores;
	// vm_status_history and billing_cursors rows
	std::vector<std::string> historyVm, historyStatus, cursorVm;
	std::vector<Poco::Int64> historyAt, cursorUntil;

	std::size_t size() const { return id.size(); }
};

} // namespace

const std::string ScaleSeeder::kPassword = "benchmark-password-123";

ScaleSeeder::ScaleSeeder(db::Database& database) : _database(database)
{
}

SeedResult ScaleSeeder::seed(const ScaleSpec& spec)
{
	if (spec.nodes.empty())
		throw std::invalid_argument("At least one node is needed for the seeded VMs");
	if (spec.vmStatus != "running" && spec.vmStatus != "stopped" && spec.vmStatus != "mixed")
		throw std::invalid_argument("VM status must be running, stopped or mixed, not '" + spec.vmStatus + "'");

	SeedResult result;
	result.userIds = insertUsers(spec, result.emails);
	result.apiKeys = insertApiKeys(spec, result.userIds);
	insertVms(spec, result.userIds, result);
	return result;
}

std::vector<std::int64_t> ScaleSeeder::insertUsers(const ScaleSpec& spec, std::vector<std::string>& emails)
{
	const std::string passwordHash = hashPassword(kPassword, spec.argon2Ops, spec.argon2MemoryKib);
	const Poco::Int64 nowSeconds = db::unixNow();
	const std::string batchTag = util::randomHex(4);

	for (int start = 0; start < spec.users; start += static_cast<int>(kBatchRows))
	{
		int end = std::min(spec.users, start + static_cast<int>(kBatchRows));
		std::vector<std::string> batchEmails;
		for (int i = start; i < end; ++i)
			batchEmails.push_back("bench-" + batchTag + "-" + std::to_string(i) + "@example.test");
		std::vector<std::string> hashes(batchEmails.size(), passwordHash);
		std::vector<Poco::Int64> maxVms(batchEmails.size(), spec.maxVms);
		std::vector<Poco::Int64> maxSpend(batchEmails.size(), spec.maxHourlySpendMicros);
		std::vector<Poco::Int64> balance(batchEmails.size(), spec.balanceMicros);
		std::vector<Poco::Int64> times(batchEmails.size(), nowSeconds);
		_database.transaction([&](Poco::Data::Session& session) {
			session << "INSERT INTO users (email, password_hash, email_verified, max_vms, max_hourly_spend_micros, "
					   "balance_micros, created_at, updated_at) VALUES ($1, $2, 1, $3, $4, $5, $6, $7)",
				use(batchEmails), use(hashes), use(maxVms), use(maxSpend), use(balance), use(times), use(times), now;
		});
		emails.insert(emails.end(), batchEmails.begin(), batchEmails.end());
	}

	std::vector<Poco::Int64> ids;
	std::string pattern = "bench-" + batchTag + "-%";
	Poco::Data::Session session = _database.session();
	session << "SELECT id FROM users WHERE email LIKE $1 ORDER BY id", use(pattern), into(ids), now;
	if (ids.size() != emails.size())
		throw std::runtime_error("Read back " + std::to_string(ids.size()) + " seeded users, expected "
			+ std::to_string(emails.size()));
	return std::vector<std::int64_t>(ids.begin(), ids.end());
}

std::vector<std::string> ScaleSeeder::insertApiKeys(const ScaleSpec& spec, const std::vector<std::int64_t>& userIds)
{
	std::vector<std::string> secrets;
	std::vector<std::string> ids, names, hashes, prefixes, scopes;
	std::vector<Poco::Int64> owners, createdAt;
	const Poco::Int64 nowSeconds = db::unixNow();
	int count = std::min<int>(spec.apiKeyUsers, static_cast<int>(userIds.size()));
	for (int i = 0; i < count; ++i)
	{
		// The accounts module's format: the prefix, then 40 URL-safe random characters; the display prefix is the
		// configured prefix plus four characters.
		std::string secret = spec.apiKeyPrefix + util::randomUrlSafe(40);
		secrets.push_back(secret);
		ids.push_back(util::uuid4());
		names.push_back("Benchmark key");
		hashes.push_back(sha256Hex(secret));
		prefixes.push_back(secret.substr(0, spec.apiKeyPrefix.size() + 4));
		scopes.push_back("read_write");
		owners.push_back(userIds[static_cast<std::size_t>(i)]);
		createdAt.push_back(nowSeconds);
	}
	if (ids.empty())
		return secrets;
	_database.transaction([&](Poco::Data::Session& session) {
		session << "INSERT INTO api_keys (id, user_id, name, key_hash, prefix, scopes, created_at) "
				   "VALUES ($1, $2, $3, $4, $5, $6, $7)",
			use(ids), use(owners), use(names), use(hashes), use(prefixes), use(scopes), use(createdAt), now;
	});
	return secrets;
}

bool ScaleSeeder::hasColumn(const std::string& table, const std::string& column)
{
	try
	{
		Poco::Data::Session session = _database.session();
		session << "SELECT " + column + " FROM " + table + " WHERE 1 = 0", now;
		return true;
	}
	catch (const Poco::Exception&)
	{
		return false;
	}
}

void ScaleSeeder::insertVms(const ScaleSpec& spec, const std::vector<std::int64_t>& userIds, SeedResult& result)
{
	// Columns that later migrations added: the seeder fills them when the schema has them.
	const bool withGpuAddresses = hasColumn("vms", "gpu_addresses");
	const bool withCreatedMs = hasColumn("vms", "created_ms");
	const std::int64_t total = static_cast<std::int64_t>(userIds.size()) * spec.vmsPerUser;
	const std::int64_t nowSeconds = db::unixNow();
	// Creation times are one second apart and end now, so the list order (newest first) is unambiguous.
	const std::int64_t firstCreated = nowSeconds - total - 3600;

	std::string sql = "INSERT INTO vms (id, vmid, user_id, backend, node, backend_ref, template_vmid, gpu_type, "
					  "gpu_count, storage_gb, ram_gb, cpu_cores, rental_type, status, ip_address, "
					  "gpu_hourly_rate_micros, storage_hourly_rate_micros, created_at, started_at, stopped_at, "
					  "destroyed_at, updated_at";
	std::string values = "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULLIF($15, ''), $16, "
						 "$17, $18, NULLIF($19, 0), NULLIF($20, 0), NULLIF($21, 0), $22";
	int next = 23;
	if (withGpuAddresses)
	{
		sql += ", gpu_addresses";
		values += ", $" + std::to_string(next++);
	}
	if (withCreatedMs)
	{
		sql += ", created_ms";
		values += ", $" + std::to_string(next++);
	}
	sql += ") " + values + ")";

	VmBatch batch;
	auto flush = [&] {
		if (batch.size() == 0)
			return;
		_database.transaction([&](Poco::Data::Session& session) {
			Poco::Data::Statement statement(session);
			statement << sql, use(batch.id), use(batch.vmid), use(batch.userId), use(batch.backend), use(batch.node),
				use(batch.backendRef), use(batch.templateVmid), use(batch.gpuType), use(batch.gpuCount),
				use(batch.storageGb), use(batch.ramGb), use(batch.cpuCores), use(batch.rentalType), use(batch.status),
				use(batch.ipAddress), use(batch.gpuRate), use(batch.storageRate), use(batch.createdAt),
				use(batch.startedAt), use(batch.stoppedAt), use(batch.destroyedAt), use(batch.createdAt);
			if (withGpuAddresses)
				statement, use(batch.gpuAddresses);
			if (withCreatedMs)
				statement, use(batch.createdMs);
			statement.execute();
			session << "INSERT INTO vm_status_history (vm_id, status, changed_at) VALUES ($1, $2, $3)",
				use(batch.historyVm), use(batch.historyStatus), use(batch.historyAt), now;
			if (!batch.cursorVm.empty())
			{
				session << "INSERT INTO billing_cursors (vm_id, charged_until) VALUES ($1, $2)", use(batch.cursorVm),
					use(batch.cursorUntil), now;
			}
		});
		batch = VmBatch();
	};

	std::int64_t index = 0;
	for (std::int64_t userId : userIds)
	{
		for (int n = 0; n < spec.vmsPerUser; ++n, ++index)
		{
			std::string status = statusOf(spec, index);
			std::string id = util::uuid4();
			Poco::Int64 vmid = 1000 + index;
			Poco::Int64 created = firstCreated + index;
			Poco::Int64 started = created + 30;
			batch.id.push_back(id);
			batch.vmid.push_back(vmid);
			batch.userId.push_back(userId);
			batch.backend.push_back(spec.backend);
			batch.node.push_back(spec.nodes[static_cast<std::size_t>(index) % spec.nodes.size()]);
			batch.backendRef.push_back(spec.backend + "-" + std::to_string(vmid));
			batch.templateVmid.push_back(100);
			batch.gpuType.push_back("4090");
			batch.gpuCount.push_back(1);
			batch.storageGb.push_back(50);
			batch.ramGb.push_back(64);
			batch.cpuCores.push_back(16);
			batch.rentalType.push_back("on_demand");
			batch.status.push_back(status);
			batch.ipAddress.push_back(status == "running"
					? "10.66." + std::to_string((index / 254) % 254 + 1) + "." + std::to_string(index % 254 + 1)
					: "");
			batch.gpuRate.push_back(590000);
			batch.storageRate.push_back(7000);
			batch.createdAt.push_back(created);
			batch.createdMs.push_back(created * 1000);
			batch.startedAt.push_back(started);
			batch.stoppedAt.push_back(status == "running" ? 0 : started + 60);
			batch.destroyedAt.push_back(status == "destroyed" ? started + 60 : 0);
			batch.gpuAddresses.push_back(status == "running" ? "0000:01:00.0" : "");

			batch.historyVm.push_back(id);
			batch.historyStatus.push_back("running");
			batch.historyAt.push_back(started);
			if (status != "running")
			{
				batch.historyVm.push_back(id);
				batch.historyStatus.push_back(status);
				batch.historyAt.push_back(started + 60);
			}
			if (status != "destroyed")
			{
				batch.cursorVm.push_back(id);
				batch.cursorUntil.push_back(nowSeconds - spec.chargedSecondsAgo);
				++result.billableVms;
			}
			++result.vms;
			if (batch.size() >= kBatchRows)
				flush();
		}
	}
	flush();
}

} // namespace gpucloud::bench
