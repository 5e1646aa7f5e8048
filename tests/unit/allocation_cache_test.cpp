#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Data/Session.h>

#include "catalogue/sql_allocation_cache.h"
#include "db/migrator.h"
#include "support/temp_dir.h"

using namespace gpucloud;
using Poco::Data::Keywords::now;
using Poco::Data::Keywords::use;

class AllocationCacheTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(AllocationCacheTest);
	CPPUNIT_TEST(countsByNodeAndType);
	CPPUNIT_TEST(cachedUntilInvalidated);
	CPPUNIT_TEST(reloadedWhenOld);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_directory = std::make_unique<testing::TempDir>();
		_database = std::make_unique<db::Database>(config::DatabaseSettings{}, _directory->path().string());
		db::Migrator(*_database).migrate();
		_database->transaction([](Poco::Data::Session& session) {
			session << "INSERT INTO users (id, email, password_hash, created_at, updated_at) VALUES (1, 'a@example.com', 'x', 0, 0)", now;
			session << "INSERT INTO vms (id, user_id, backend, node, template_vmid, gpu_type, gpu_count, storage_gb, "
					   "ram_gb, cpu_cores, rental_type, status, gpu_hourly_rate_micros, storage_hourly_rate_micros, "
					   "created_at, updated_at) VALUES ('vm-1', 1, 'mock', 'n1', 100, '5090', 1, 50, 64, 16, "
					   "'on_demand', 'running', 890000, 7000, 0, 0)", now;
		});
		_cache = std::make_unique<catalogue::SqlAllocationCache>(*_database, std::chrono::milliseconds(2000),
			[this] { return _now; });
	}

	void tearDown() override
	{
		_cache.reset();
		_database.reset();
		_directory.reset();
	}

	void countsByNodeAndType()
	{
		allocate("n1", "a", "5090");
		allocate("n1", "b", "5090");
		allocate("n1", "c", "4090");
		allocate("n2", "a", "5090");
		auto counts = _cache->counts();
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(2), counts->at("n1").at("5090"));
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(1), counts->at("n1").at("4090"));
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(1), counts->at("n2").at("5090"));
	}

	void cachedUntilInvalidated()
	{
		auto empty = _cache->counts();
		allocate("n1", "a", "5090");
		CPPUNIT_ASSERT(_cache->counts() == empty);
		_cache->invalidate();
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(1), _cache->counts()->at("n1").at("5090"));
	}

	void reloadedWhenOld()
	{
		auto empty = _cache->counts();
		allocate("n1", "a", "5090");
		_now += std::chrono::milliseconds(1999);
		CPPUNIT_ASSERT(_cache->counts() == empty);
		_now += std::chrono::milliseconds(1);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), _cache->counts()->count("n1"));
	}

private:
	void allocate(const std::string& node, const std::string& address, const std::string& gpuType)
	{
		std::string nodeName = node;
		std::string gpuAddress = address;
		std::string type = gpuType;
		Poco::Data::Session session = _database->session();
		session << "INSERT INTO gpu_allocations (node, gpu_address, gpu_type, vm_id, allocated_at) VALUES ($1, $2, $3, 'vm-1', 0)",
			use(nodeName), use(gpuAddress), use(type), now;
	}

	std::chrono::steady_clock::time_point _now = std::chrono::steady_clock::time_point(std::chrono::hours(1));
	std::unique_ptr<testing::TempDir> _directory;
	std::unique_ptr<db::Database> _database;
	std::unique_ptr<catalogue::SqlAllocationCache> _cache;
};

CPPUNIT_TEST_SUITE_REGISTRATION(AllocationCacheTest);
