#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Poco/Data/Session.h>

#include "db/database.h"
#include "vms/job_record.h"

namespace gpucloud::vms
{

/// The durable job queue in the `jobs` table. Jobs of one VM run one at a time in the order they were queued;
/// jobs of different VMs run in parallel. A worker claims a job for a lease (claimed_until) and extends the lease
/// while it works, so a job whose server died is claimed again once its lease expires.
///
/// Functions that take a session run in the caller's transaction; the others open their own.
namespace job_queue
{

/// Inserts a queued job and returns its id. It runs after every job queued earlier for the same VM.
std::string enqueue(Poco::Data::Session& session, const std::string& vmId, JobKind kind, const std::string& payload,
	std::int64_t deadline, std::int64_t when);

/// Claims the next runnable job for `worker` until `when + leaseSeconds`: a queued job whose run_after has come,
/// or a running job whose lease expired, and only when no older job of its VM is still queued or running. On
/// PostgreSQL the candidates are locked with FOR UPDATE SKIP LOCKED; on SQLite the transaction holds the write
/// lock. The conditional UPDATE that marks the job running makes a double claim impossible on both engines.
std::optional<JobRecord> claim(db::Database& database, const std::string& worker, std::int64_t leaseSeconds,
	std::int64_t when);

/// Extends the lease of every job `worker` holds.
void extendLeases(db::Database& database, const std::string& worker, std::int64_t until);

/// Marks the job done (or cancelled). Returns false when the claim no longer belongs to `worker`.
bool finish(Poco::Data::Session& session, const std::string& jobId, const std::string& worker, bool cancelled,
	std::int64_t when);

/// Puts the job back in the queue to run at `runAfter`; `failed` counts the attempt as a failure and records
/// `error`. Returns false when the claim no longer belongs to `worker`.
bool reschedule(Poco::Data::Session& session, const std::string& jobId, const std::string& worker,
	std::int64_t runAfter, bool failed, const std::string& error, std::int64_t when);

/// Marks the job failed for good with `error`.
bool fail(Poco::Data::Session& session, const std::string& jobId, const std::string& worker, const std::string& error,
	std::int64_t when);

/// Releases every job `worker` holds back to the queue, to run at once on the next claim. Used at shutdown.
void releaseAll(db::Database& database, const std::string& worker, std::int64_t when);

/// Cancels the VM's queued jobs; returns how many.
std::size_t cancelQueued(Poco::Data::Session& session, const std::string& vmId, std::int64_t when);

/// Returns true when the VM has a queued or running job, or a job that changed at or after `since` (Unix seconds).
bool activeSince(Poco::Data::Session& session, const std::string& vmId, std::int64_t since);

/// Returns true when one of `jobIds` is still queued or running.
bool anyPending(Poco::Data::Session& session, const std::vector<std::string>& jobIds);

void updatePayload(Poco::Data::Session& session, const std::string& jobId, const std::string& payload);

/// Returns the job's state, or nullopt when it does not exist.
std::optional<std::string> state(Poco::Data::Session& session, const std::string& jobId);

} // namespace job_queue

} // namespace gpucloud::vms
