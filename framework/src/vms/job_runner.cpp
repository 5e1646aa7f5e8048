#include "vms/job_runner.h"

#include <unistd.h>

#include <Poco/Environment.h>
#include <Poco/Logger.h>

#include "util/random.h"
#include "vms/job_queue.h"

namespace gpucloud::vms
{

namespace
{

Poco::Logger& logger()
{
	static Poco::Logger& instance = Poco::Logger::get("gpucloud.jobs");
	return instance;
}

double randomFraction()
{
	std::uint32_t value = 0;
	util::randomBytes(&value, sizeof(value));
	return static_cast<double>(value) / 4294967296.0;
}

} // namespace

JobRunner::JobRunner(db::Database& database, std::shared_ptr<JobExecutor> executor, VmSettings settings)
	: _database(database)
	, _executor(std::move(executor))
	, _settings(std::move(settings))
	, _serverId(Poco::Environment::nodeName() + ":" + std::to_string(::getpid()) + ":" + util::randomHex(4))
{
}

JobRunner::~JobRunner()
{
	stop();
}

void JobRunner::start()
{
	_stopping = false;
	for (int i = 0; i < _settings.jobWorkers; ++i)
		_workerIds.push_back(_serverId + "/" + std::to_string(i));
	for (const std::string& worker : _workerIds)
		_threads.emplace_back([this, worker] { work(worker); });
	_threads.emplace_back([this] { heartbeat(); });
	logger().information("Job runner %s started with %d workers", _serverId, _settings.jobWorkers);
}

void JobRunner::stop()
{
	if (_threads.empty())
		return;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		_stopping = true;
	}
	_wake.notify_all();
	for (std::thread& thread : _threads)
		thread.join();
	_threads.clear();
	for (const std::string& worker : _workerIds)
	{
		try
		{
			job_queue::releaseAll(_database, worker, db::unixNow());
		}
		catch (const std::exception& error)
		{
			logger().warning("Cannot give the jobs of worker %s back to the queue (they resume when the claim "
							 "expires): %s", worker, std::string(error.what()));
		}
	}
	_workerIds.clear();
	logger().information("Job runner %s stopped", _serverId);
}

void JobRunner::signal()
{
	{
		std::lock_guard<std::mutex> lock(_mutex);
		++_signals;
	}
	_wake.notify_one();
}

void JobRunner::heartbeat()
{
	auto interval = std::max(std::chrono::seconds(1), _settings.jobLease / 3);
	std::unique_lock<std::mutex> lock(_mutex);
	while (!_wake.wait_for(lock, interval, [this] { return _stopping.load(); }))
	{
		lock.unlock();
		try
		{
			std::int64_t until = db::unixNow() + _settings.jobLease.count();
			for (const std::string& worker : _workerIds)
				job_queue::extendLeases(_database, worker, until);
		}
		catch (const std::exception& error)
		{
			logger().warning("Cannot renew the job claims of %s: %s", _serverId, std::string(error.what()));
		}
		lock.lock();
	}
}

void JobRunner::work(const std::string& worker)
{
	std::uint64_t seen = 0;
	while (!_stopping)
	{
		std::optional<JobRecord> job;
		try
		{
			job = job_queue::claim(_database, worker, _settings.jobLease.count(), db::unixNow());
		}
		catch (const std::exception& error)
		{
			logger().warning("Worker %s cannot claim a job: %s", worker, std::string(error.what()));
		}
		if (job)
		{
			execute(*job, worker);
			continue;
		}
		std::unique_lock<std::mutex> lock(_mutex);
		_wake.wait_for(lock, _settings.jobPollInterval, [&] { return _stopping.load() || _signals != seen; });
		seen = _signals;
	}
}

void JobRunner::execute(const JobRecord& job, const std::string& worker)
{
	if (db::unixNow() > job.deadline)
	{
		std::string detail = "it did not finish within " + std::to_string(job.deadline - job.createdAt) + " s"
			+ (job.lastError.empty() ? "" : " (last error: " + job.lastError + ")");
		abandon(job, worker, JobExecutor::failureReason(job.kind, detail));
		return;
	}

	try
	{
		StepResult result = _executor->run(job, [this] { return _stopping.load(); });
		Poco::Data::Session session = _database.session();
		switch (result.outcome)
		{
		case StepResult::Outcome::Done: job_queue::finish(session, job.id, worker, false, db::unixNow()); break;
		case StepResult::Outcome::Finished: break;
		case StepResult::Outcome::Cancelled: job_queue::finish(session, job.id, worker, true, db::unixNow()); break;
		case StepResult::Outcome::Deferred:
			job_queue::reschedule(session, job.id, worker, result.runAfter, false, "", db::unixNow());
			break;
		}
	}
	catch (const sdk::BackendError& error)
	{
		retryOrAbandon(job, worker, error.what(), error.retryAfter(), error.isTransient());
	}
	catch (const std::exception& error)
	{
		// Database trouble or a bug: retry with backoff instead of failing the VM at once.
		logger().error("Job '%s' (%s of VM '%s') hit an internal error: %s", job.id, std::string(jobKindName(job.kind)),
			job.vmId, std::string(error.what()));
		retryOrAbandon(job, worker, "internal error", std::chrono::milliseconds(0), true);
	}
}

void JobRunner::retryOrAbandon(const JobRecord& job, const std::string& worker, const std::string& error,
	std::chrono::milliseconds retryAfter, bool transient)
{
	int failures = job.attempts + 1;
	std::int64_t now = db::unixNow();
	if (transient && mayRetry(_settings.backoff, failures))
	{
		std::chrono::seconds delay = retryDelay(_settings.backoff, failures, retryAfter, randomFraction());
		if (now + delay.count() < job.deadline)
		{
			logger().warning("Job '%s' (%s of VM '%s') failed, attempt %d; retrying in %Ld s: %s", job.id,
				std::string(jobKindName(job.kind)), job.vmId, failures, static_cast<Poco::Int64>(delay.count()), error);
			try
			{
				Poco::Data::Session session = _database.session();
				job_queue::reschedule(session, job.id, worker, now + delay.count(), true, error, now);
			}
			catch (const std::exception& failure)
			{
				logger().error("Cannot reschedule job '%s' (it resumes when its claim expires): %s", job.id,
					std::string(failure.what()));
			}
			return;
		}
	}
	abandon(job, worker, JobExecutor::failureReason(job.kind, error));
}

void JobRunner::abandon(const JobRecord& job, const std::string& worker, const std::string& reason)
{
	logger().error("Job '%s' (%s of VM '%s') failed for good: %s", job.id, std::string(jobKindName(job.kind)),
		job.vmId, reason);
	_executor->abandon(job, reason);
	try
	{
		Poco::Data::Session session = _database.session();
		job_queue::fail(session, job.id, worker, reason, db::unixNow());
	}
	catch (const std::exception& error)
	{
		logger().error("Cannot mark job '%s' failed: %s", job.id, std::string(error.what()));
	}
}

} // namespace gpucloud::vms
