#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "app/background_service.h"
#include "db/database.h"
#include "vms/job_executor.h"
#include "vms/vm_settings.h"

namespace gpucloud::vms
{

/// A pool of worker threads that claim jobs from the `jobs` table and run them with the JobExecutor, never on an
/// HTTP thread. A transient backend error (BackendError::isTransient()) or an internal error puts the job back
/// with exponential backoff. A permanent error, too many failed attempts or the job's deadline end it, and then the
/// executor marks the VM failed. A heartbeat thread renews the workers' claims; at shutdown the workers finish
/// their current backend call and give their jobs back to the queue, where this server or another resumes them.
class JobRunner : public app::BackgroundService
{
public:
	JobRunner(db::Database& database, std::shared_ptr<JobExecutor> executor, VmSettings settings);
	~JobRunner() override;

	std::string name() const override { return "job-runner"; }
	void start() override;
	void stop() override;

	/// Wakes an idle worker, such as after a request queued a job. Thread-safe.
	void signal();

private:
	void work(const std::string& worker);
	void heartbeat();
	void execute(const JobRecord& job, const std::string& worker);
	void retryOrAbandon(const JobRecord& job, const std::string& worker, const std::string& error,
		std::chrono::milliseconds retryAfter, bool transient);
	void abandon(const JobRecord& job, const std::string& worker, const std::string& reason);

	db::Database& _database;
	std::shared_ptr<JobExecutor> _executor;
	VmSettings _settings;
	std::string _serverId;

	std::mutex _mutex;
	std::condition_variable _wake;
	std::atomic<bool> _stopping{false};
	std::uint64_t _signals = 0;
	std::vector<std::string> _workerIds;
	std::vector<std::thread> _threads;
};

} // namespace gpucloud::vms
