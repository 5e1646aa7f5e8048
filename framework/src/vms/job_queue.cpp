#include "vms/job_queue.h"

#include <chrono>

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/Statement.h>

#include "util/random.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::vms
{

const char* jobKindName(JobKind kind)
{
	switch (kind)
	{
	case JobKind::Create: return "create";
	case JobKind::Start: return "start";
	case JobKind::Stop: return "stop";
	case JobKind::Restart: return "restart";
	case JobKind::Resize: return "resize";
	case JobKind::Destroy: return "destroy";
	}
	return "create";
}

std::optional<JobKind> parseJobKind(const std::string& name)
{
	for (JobKind kind : {JobKind::Create, JobKind::Start, JobKind::Stop, JobKind::Restart, JobKind::Resize,
			 JobKind::Destroy})
	{
		if (name == jobKindName(kind))
			return kind;
	}
	return std::nullopt;
}

namespace job_queue
{

namespace
{

constexpr int kClaimCandidates = 8;

std::int64_t nowMillis()
{
	return std::chrono::duration_cast<std::chrono::milliseconds>(
		std::chrono::system_clock::now().time_since_epoch()).count();
}

std::optional<JobRecord> load(Poco::Data::Session& session, const std::string& jobId)
{
	std::string id = jobId;
	Poco::Data::Statement statement(session);
	statement << "SELECT id, vm_id, kind, state, payload, attempts, run_after, deadline, claimed_by, claimed_until, "
				 "last_error, created_at FROM jobs WHERE id = $1",
		use(id);
	statement.execute();
	Poco::Data::RecordSet rows(statement);
	if (rows.rowCount() == 0)
		return std::nullopt;
	JobRecord job;
	job.id = rows.value(0, 0).convert<std::string>();
	job.vmId = rows.value(1, 0).convert<std::string>();
	job.kind = parseJobKind(rows.value(2, 0).convert<std::string>()).value_or(JobKind::Destroy);
	job.state = rows.value(3, 0).convert<std::string>();
	job.payload = rows.value(4, 0).convert<std::string>();
	job.attempts = rows.value(5, 0).convert<int>();
	job.runAfter = rows.value(6, 0).convert<Poco::Int64>();
	job.deadline = rows.value(7, 0).convert<Poco::Int64>();
	job.claimedBy = rows.value(8, 0).isEmpty() ? "" : rows.value(8, 0).convert<std::string>();
	job.claimedUntil = rows.value(9, 0).isEmpty() ? 0 : rows.value(9, 0).convert<Poco::Int64>();
	job.lastError = rows.value(10, 0).isEmpty() ? "" : rows.value(10, 0).convert<std::string>();
	job.createdAt = rows.value(11, 0).convert<Poco::Int64>();
	return job;
}

} // namespace

std::string enqueue(Poco::Data::Session& session, const std::string& vmId, JobKind kind, const std::string& payload,
	std::int64_t deadline, std::int64_t when)
{
	std::string id = util::uuid4();
	std::string vm = vmId;
	Poco::Int64 last = 0;
	session << "SELECT COALESCE(MAX(sequence), 0) FROM jobs WHERE vm_id = $1", use(vm), into(last), now;
	Poco::Int64 sequence = std::max<Poco::Int64>(nowMillis(), last + 1);

	std::string kindName = jobKindName(kind);
	std::string body = payload;
	Poco::Int64 at = when;
	Poco::Int64 until = deadline;
	session << "INSERT INTO jobs (id, vm_id, kind, state, payload, attempts, run_after, deadline, created_at, "
			   "updated_at, sequence) VALUES ($1, $2, $3, 'queued', $4, 0, $5, $6, $5, $5, $7)",
		use(id), use(vm), use(kindName), use(body), use(at), use(until), use(sequence), now;
	return id;
}

std::optional<JobRecord> claim(db::Database& database, const std::string& worker, std::int64_t leaseSeconds,
	std::int64_t when)
{
	return database.transaction([&](Poco::Data::Session& session) -> std::optional<JobRecord> {
		std::string select =
			"SELECT j.id FROM jobs j WHERE ((j.state = 'queued' AND j.run_after <= $1) "
			"OR (j.state = 'running' AND j.claimed_until < $1)) "
			"AND NOT EXISTS (SELECT 1 FROM jobs o WHERE o.vm_id = j.vm_id AND o.sequence < j.sequence "
			"AND o.state IN ('queued', 'running')) "
			"ORDER BY j.run_after, j.sequence LIMIT $2";
		if (database.dialect() == db::Dialect::PostgreSQL)
			select += " FOR UPDATE OF j SKIP LOCKED";

		Poco::Int64 at = when;
		int candidates = kClaimCandidates;
		std::vector<std::string> ids;
		session << select, use(at), use(candidates), into(ids), now;

		std::string claimer = worker;
		Poco::Int64 until = when + leaseSeconds;
		for (std::string& id : ids)
		{
			Poco::Data::Statement update(session);
			update << "UPDATE jobs SET state = 'running', claimed_by = $1, claimed_until = $2, updated_at = $3 "
					  "WHERE id = $4 AND (state = 'queued' OR (state = 'running' AND claimed_until < $3))",
				use(claimer), use(until), use(at), use(id);
			if (update.execute() == 1)
				return load(session, id);
		}
		return std::nullopt;
	});
}

void extendLeases(db::Database& database, const std::string& worker, std::int64_t until)
{
	Poco::Data::Session session = database.session();
	std::string claimer = worker;
	Poco::Int64 lease = until;
	session << "UPDATE jobs SET claimed_until = $1 WHERE claimed_by = $2 AND state = 'running'", use(lease),
		use(claimer), now;
}

bool finish(Poco::Data::Session& session, const std::string& jobId, const std::string& worker, bool cancelled,
	std::int64_t when)
{
	std::string id = jobId;
	std::string claimer = worker;
	std::string state = cancelled ? "cancelled" : "done";
	Poco::Int64 at = when;
	Poco::Data::Statement update(session);
	update << "UPDATE jobs SET state = $1, claimed_by = NULL, claimed_until = NULL, updated_at = $2 "
			  "WHERE id = $3 AND claimed_by = $4 AND state = 'running'",
		use(state), use(at), use(id), use(claimer);
	return update.execute() == 1;
}

bool reschedule(Poco::Data::Session& session, const std::string& jobId, const std::string& worker,
	std::int64_t runAfter, bool failed, const std::string& error, std::int64_t when)
{
	std::string id = jobId;
	std::string claimer = worker;
	Poco::Int64 next = runAfter;
	Poco::Int64 at = when;
	Poco::Data::Statement update(session);
	if (failed)
	{
		std::string lastError = error;
		update << "UPDATE jobs SET state = 'queued', claimed_by = NULL, claimed_until = NULL, run_after = $1, "
				  "attempts = attempts + 1, last_error = $2, updated_at = $3 "
				  "WHERE id = $4 AND claimed_by = $5 AND state = 'running'",
			use(next), use(lastError), use(at), use(id), use(claimer);
		return update.execute() == 1;
	}
	update << "UPDATE jobs SET state = 'queued', claimed_by = NULL, claimed_until = NULL, run_after = $1, "
			  "updated_at = $2 WHERE id = $3 AND claimed_by = $4 AND state = 'running'",
		use(next), use(at), use(id), use(claimer);
	return update.execute() == 1;
}

bool fail(Poco::Data::Session& session, const std::string& jobId, const std::string& worker, const std::string& error,
	std::int64_t when)
{
	std::string id = jobId;
	std::string claimer = worker;
	std::string lastError = error;
	Poco::Int64 at = when;
	Poco::Data::Statement update(session);
	update << "UPDATE jobs SET state = 'failed', claimed_by = NULL, claimed_until = NULL, last_error = $1, "
			  "updated_at = $2 WHERE id = $3 AND claimed_by = $4 AND state = 'running'",
		use(lastError), use(at), use(id), use(claimer);
	return update.execute() == 1;
}

void releaseAll(db::Database& database, const std::string& worker, std::int64_t when)
{
	Poco::Data::Session session = database.session();
	std::string claimer = worker;
	Poco::Int64 at = when;
	session << "UPDATE jobs SET state = 'queued', claimed_by = NULL, claimed_until = NULL, run_after = $1, "
			   "updated_at = $1 WHERE claimed_by = $2 AND state = 'running'",
		use(at), use(claimer), now;
}

std::size_t cancelQueued(Poco::Data::Session& session, const std::string& vmId, std::int64_t when)
{
	std::string vm = vmId;
	Poco::Int64 at = when;
	Poco::Data::Statement update(session);
	update << "UPDATE jobs SET state = 'cancelled', updated_at = $1 WHERE vm_id = $2 AND state = 'queued'", use(at),
		use(vm);
	return update.execute();
}

bool activeSince(Poco::Data::Session& session, const std::string& vmId, std::int64_t since)
{
	std::string vm = vmId;
	Poco::Int64 from = since;
	Poco::Int64 count = 0;
	session << "SELECT COUNT(*) FROM jobs WHERE vm_id = $1 AND (state IN ('queued', 'running') OR updated_at >= $2)",
		use(vm), use(from), into(count), now;
	return count > 0;
}

bool anyPending(Poco::Data::Session& session, const std::vector<std::string>& jobIds)
{
	for (const std::string& jobId : jobIds)
	{
		std::optional<std::string> current = state(session, jobId);
		if (current && (*current == "queued" || *current == "running"))
			return true;
	}
	return false;
}

void updatePayload(Poco::Data::Session& session, const std::string& jobId, const std::string& payload)
{
	std::string id = jobId;
	std::string body = payload;
	session << "UPDATE jobs SET payload = $1 WHERE id = $2", use(body), use(id), now;
}

std::optional<std::string> state(Poco::Data::Session& session, const std::string& jobId)
{
	std::string id = jobId;
	std::string current;
	Poco::Data::Statement select(session);
	select << "SELECT state FROM jobs WHERE id = $1", use(id), into(current), limit(1);
	if (select.execute() == 0)
		return std::nullopt;
	return current;
}

} // namespace job_queue

} // namespace gpucloud::vms
