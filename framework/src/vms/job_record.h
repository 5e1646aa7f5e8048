#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gpucloud::vms
{

/// Kind of backend work a job does for its VM.
enum class JobKind
{
	Create,
	Start,
	Stop,
	Restart,
	Resize,
	Destroy,
};

const char* jobKindName(JobKind kind);
std::optional<JobKind> parseJobKind(const std::string& name);

/// One row of `jobs`. States: queued (waiting for run_after), running (claimed by a worker until claimed_until),
/// done, failed, cancelled.
struct JobRecord
{
	std::string id;
	std::string vmId;
	JobKind kind = JobKind::Create;
	std::string state;
	std::string payload = "{}";  ///< JSON object; its fields depend on the kind
	int attempts = 0;            ///< failed attempts so far
	std::int64_t runAfter = 0;
	std::int64_t deadline = 0;
	std::string claimedBy;
	std::int64_t claimedUntil = 0;
	std::string lastError;
	std::int64_t createdAt = 0;
};

} // namespace gpucloud::vms
