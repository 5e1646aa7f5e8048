#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include "db/database.h"
#include "db/migrator.h"
#include "support/temp_dir.h"
#include "vms/job_queue.h"

using namespace gpucloud;
using namespace Poco::Data::Keywords;
using vms::JobKind;
using vms::JobRecord;

namespace
{

constexpr std::int64_t kNow = 1800000000;

} // namespace

class JobQueueTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(JobQueueTest);
	CPPUNIT_TEST(claimMarksRunning);
	CPPUNIT_TEST(futureJobNotClaimed);
	CPPUNIT_TEST(jobsOfOneVmRunInOrder);
	CPPUNIT_TEST(expiredLeaseClaimedAgain);
	CPPUNIT_TEST(finishNeedsTheClaim);
	CPPUNIT_TEST(rescheduleCountsFailures);
	CPPUNIT_TEST(concurrentWorkersNeverShareAJob);
	CPPUNIT_TEST(cancelQueuedLeavesRunning);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_directory = std::make_unique<testing::TempDir>();
		config::DatabaseSettings settings;
		settings.path = "jobs.db";
		_database = std::make_unique<db::Database>(settings, _directory->path().string());
		db::Migrator(*_database).migrate();
		_database->transaction([](Poco::Data::Session& session) {
			session << "INSERT INTO users (id, email, password_hash, created_at, updated_at) "
					   "VALUES (1, 'owner@example.com', 'x', 0, 0)", now;
		});
	}

	void tearDown() override
	{
		_database.reset();
		_directory.reset();
	}

	void claimMarksRunning()
	{
		std::string id = enqueue("vm-a", JobKind::Create, kNow);
		std::optional<JobRecord> job = vms::job_queue::claim(*_database, "w1", 60, kNow);
		CPPUNIT_ASSERT(job);
		CPPUNIT_ASSERT_EQUAL(id, job->id);
		CPPUNIT_ASSERT_EQUAL(std::string("running"), job->state);
		CPPUNIT_ASSERT_EQUAL(std::string("w1"), job->claimedBy);
		CPPUNIT_ASSERT_EQUAL(kNow + 60, job->claimedUntil);
		CPPUNIT_ASSERT(!vms::job_queue::claim(*_database, "w2", 60, kNow));
	}

	void futureJobNotClaimed()
	{
		enqueue("vm-a", JobKind::Create, kNow + 10);
		CPPUNIT_ASSERT(!vms::job_queue::claim(*_database, "w1", 60, kNow));
		CPPUNIT_ASSERT(vms::job_queue::claim(*_database, "w1", 60, kNow + 10));
	}

	void jobsOfOneVmRunInOrder()
	{
		std::string first = enqueue("vm-a", JobKind::Create, kNow);
		std::string second = enqueue("vm-a", JobKind::Destroy, kNow);
		std::string other = enqueue("vm-b", JobKind::Create, kNow);

		std::optional<JobRecord> a = vms::job_queue::claim(*_database, "w1", 60, kNow);
		std::optional<JobRecord> b = vms::job_queue::claim(*_database, "w2", 60, kNow);
		CPPUNIT_ASSERT_EQUAL(first, a->id);
		CPPUNIT_ASSERT_EQUAL(other, b->id);
		CPPUNIT_ASSERT(!vms::job_queue::claim(*_database, "w3", 60, kNow));

		finish(first, "w1");
		std::optional<JobRecord> c = vms::job_queue::claim(*_database, "w3", 60, kNow);
		CPPUNIT_ASSERT_EQUAL(second, c->id);
	}

	void expiredLeaseClaimedAgain()
	{
		std::string id = enqueue("vm-a", JobKind::Create, kNow);
		CPPUNIT_ASSERT(vms::job_queue::claim(*_database, "dead-server", 60, kNow));
		CPPUNIT_ASSERT(!vms::job_queue::claim(*_database, "w2", 60, kNow + 60));
		std::optional<JobRecord> again = vms::job_queue::claim(*_database, "w2", 60, kNow + 61);
		CPPUNIT_ASSERT(again);
		CPPUNIT_ASSERT_EQUAL(id, again->id);
		CPPUNIT_ASSERT_EQUAL(std::string("w2"), again->claimedBy);
	}

	void finishNeedsTheClaim()
	{
		std::string id = enqueue("vm-a", JobKind::Create, kNow);
		vms::job_queue::claim(*_database, "w1", 60, kNow);
		Poco::Data::Session session = _database->session();
		CPPUNIT_ASSERT(!vms::job_queue::finish(session, id, "w2", false, kNow));
		CPPUNIT_ASSERT(vms::job_queue::finish(session, id, "w1", false, kNow));
		CPPUNIT_ASSERT_EQUAL(std::string("done"), *vms::job_queue::state(session, id));
	}

	void rescheduleCountsFailures()
	{
		std::string id = enqueue("vm-a", JobKind::Start, kNow);
		vms::job_queue::claim(*_database, "w1", 60, kNow);
		{
			Poco::Data::Session session = _database->session();
			CPPUNIT_ASSERT(vms::job_queue::reschedule(session, id, "w1", kNow + 4, true, "node busy", kNow));
		}
		CPPUNIT_ASSERT(!vms::job_queue::claim(*_database, "w1", 60, kNow + 3));
		std::optional<JobRecord> job = vms::job_queue::claim(*_database, "w1", 60, kNow + 4);
		CPPUNIT_ASSERT_EQUAL(1, job->attempts);
		CPPUNIT_ASSERT_EQUAL(std::string("node busy"), job->lastError);
		{
			Poco::Data::Session session = _database->session();
			CPPUNIT_ASSERT(vms::job_queue::reschedule(session, id, "w1", kNow + 5, false, "", kNow + 4));
		}
		job = vms::job_queue::claim(*_database, "w1", 60, kNow + 5);
		CPPUNIT_ASSERT_EQUAL(1, job->attempts);
	}

	void concurrentWorkersNeverShareAJob()
	{
		const int jobs = 40;
		for (int i = 0; i < jobs; ++i)
			enqueue("vm-" + std::to_string(i), JobKind::Create, kNow);

		std::mutex mutex;
		std::map<std::string, int> claims;
		std::vector<std::thread> workers;
		for (int w = 0; w < 4; ++w)
		{
			workers.emplace_back([&, w] {
				std::string worker = "w" + std::to_string(w);
				while (std::optional<JobRecord> job = vms::job_queue::claim(*_database, worker, 60, kNow))
				{
					std::lock_guard<std::mutex> lock(mutex);
					++claims[job->id];
				}
			});
		}
		for (std::thread& worker : workers)
			worker.join();
		CPPUNIT_ASSERT_EQUAL(std::size_t(jobs), claims.size());
		for (const auto& entry : claims)
			CPPUNIT_ASSERT_EQUAL(1, entry.second);
	}

	void cancelQueuedLeavesRunning()
	{
		std::string running = enqueue("vm-a", JobKind::Create, kNow);
		std::string queued = enqueue("vm-a", JobKind::Stop, kNow);
		vms::job_queue::claim(*_database, "w1", 60, kNow);
		Poco::Data::Session session = _database->session();
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), vms::job_queue::cancelQueued(session, "vm-a", kNow));
		CPPUNIT_ASSERT_EQUAL(std::string("running"), *vms::job_queue::state(session, running));
		CPPUNIT_ASSERT_EQUAL(std::string("cancelled"), *vms::job_queue::state(session, queued));
		// Still pending: activeSince with a time after every change counts queued and running jobs only.
		CPPUNIT_ASSERT(vms::job_queue::activeSince(session, "vm-a", kNow + 3600));
	}

private:
	std::string enqueue(const std::string& vmId, JobKind kind, std::int64_t runAfter)
	{
		return _database->transaction([&](Poco::Data::Session& session) {
			Poco::Int64 count = 0;
			std::string id = vmId;
			session << "SELECT COUNT(*) FROM vms WHERE id = $1", use(id), into(count), now;
			if (count == 0)
			{
				session << "INSERT INTO vms (id, user_id, backend, node, template_vmid, gpu_type, gpu_count, "
						   "storage_gb, ram_gb, cpu_cores, rental_type, status, gpu_hourly_rate_micros, "
						   "storage_hourly_rate_micros, created_at, updated_at) VALUES ($1, 1, 'mock', 'vm01', 100, "
						   "'5090', 1, 50, 16, 8, 'on_demand', 'creating', 1, 1, 0, 0)",
					use(id), now;
			}
			return vms::job_queue::enqueue(session, vmId, kind, "{}", runAfter + 3600, runAfter);
		});
	}

	void finish(const std::string& id, const std::string& worker)
	{
		Poco::Data::Session session = _database->session();
		CPPUNIT_ASSERT(vms::job_queue::finish(session, id, worker, false, kNow));
	}

	std::unique_ptr<testing::TempDir> _directory;
	std::unique_ptr<db::Database> _database;
};

CPPUNIT_TEST_SUITE_REGISTRATION(JobQueueTest);
