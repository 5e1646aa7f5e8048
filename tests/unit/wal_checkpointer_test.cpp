#include "db/database.h"
#include "db/wal_checkpointer.h"
#include "support/temp_dir.h"

#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <sqlite3.h>
#include <stdexcept>
#include <thread>

using namespace gpucloud;

class WalCheckpointerTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(WalCheckpointerTest);
	CPPUNIT_TEST(largeLogWakesCheckpointer);
	CPPUNIT_TEST(smallLogWaitsForInterval);
	CPPUNIT_TEST(failedCheckpointKeepsThreadRunning);
	CPPUNIT_TEST(steadyWritesKeepLogBounded);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		std::string path = (_folder.path() / "wal.db").string();
		CPPUNIT_ASSERT_EQUAL(SQLITE_OK, sqlite3_open(path.c_str(), &_connection));
		execute("PRAGMA journal_mode = WAL");
		execute("CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)");
	}

	void tearDown() override { sqlite3_close(_connection); }

	void largeLogWakesCheckpointer()
	{
		std::atomic<int> checkpoints{0};
		db::WalCheckpointer checkpointer([&] { ++checkpoints; }, std::chrono::hours(1));
		checkpointer.attach(_connection);
		checkpointer.start();
		// 1,200 pages of 4 KiB in one commit: more than the 1,000 pages that wake the thread.
		execute("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1200) INSERT INTO blobs "
				"(data) SELECT zeroblob(4000) FROM n");
		CPPUNIT_ASSERT(waitFor([&] { return checkpoints.load() > 0; }));
		// The hook replaced SQLite's own checkpoint, so the log still has every page.
		int logPages = 0;
		int copied = 0;
		sqlite3_wal_checkpoint_v2(_connection, nullptr, SQLITE_CHECKPOINT_PASSIVE, &logPages, &copied);
		CPPUNIT_ASSERT(logPages >= 1000);
		checkpointer.stop();
		sqlite3_wal_hook(_connection, nullptr, nullptr);
	}

	void smallLogWaitsForInterval()
	{
		std::atomic<int> checkpoints{0};
		auto started = std::chrono::steady_clock::now();
		db::WalCheckpointer checkpointer([&] { ++checkpoints; }, std::chrono::milliseconds(300));
		checkpointer.attach(_connection);
		checkpointer.start();
		execute("INSERT INTO blobs (data) VALUES (zeroblob(10))");
		CPPUNIT_ASSERT(waitFor([&] { return checkpoints.load() > 0; }));
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(250));
		checkpointer.stop();
		sqlite3_wal_hook(_connection, nullptr, nullptr);
	}

	void failedCheckpointKeepsThreadRunning()
	{
		std::atomic<int> attempts{0};
		db::WalCheckpointer checkpointer(
			[&]
			{
				++attempts;
				throw std::runtime_error("disk I/O error");
			},
			std::chrono::milliseconds(20));
		checkpointer.start();
		CPPUNIT_ASSERT(waitFor([&] { return attempts.load() >= 3; }));
	}

	void steadyWritesKeepLogBounded()
	{
		// Transactions back to back, as in a billing meter tick: the next one always begins before the checkpoint
		// thread is done, so only the pass that a writer completes in its turn lets SQLite start the log over.
		testing::TempDir folder;
		config::DatabaseSettings settings;
		db::Database database(settings, folder.path().string());
		database.session() << "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)", Poco::Data::Keywords::now;
		const int transactions = 400;
		for (int i = 0; i < transactions; ++i)
		{
			database.transaction(
				[](Poco::Data::Session& session)
				{
					session << "INSERT INTO blobs (data) SELECT zeroblob(4000) FROM (WITH RECURSIVE n(i) AS (SELECT 1 "
							   "UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT i FROM n)",
						Poco::Data::Keywords::now;
				});
		}
		// About 100 pages per transaction and 40,000 in all. Without the restarts the log would keep every page.
		std::uintmax_t logBytes = std::filesystem::file_size(folder.path() / "gpucloud.db-wal");
		CPPUNIT_ASSERT_MESSAGE(std::to_string(logBytes), logBytes < std::uintmax_t(30000) * 4120);
	}

private:
	void execute(const char* sql)
	{
		char* message = nullptr;
		int result = sqlite3_exec(_connection, sql, nullptr, nullptr, &message);
		std::string text = message ? message : "";
		sqlite3_free(message);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(text, SQLITE_OK, result);
	}

	template <class Condition>
	static bool waitFor(Condition condition)
	{
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
		while (!condition())
		{
			if (std::chrono::steady_clock::now() > deadline)
				return false;
			std::this_thread::sleep_for(std::chrono::milliseconds(5));
		}
		return true;
	}

	testing::TempDir _folder;
	sqlite3* _connection = nullptr;
};

CPPUNIT_TEST_SUITE_REGISTRATION(WalCheckpointerTest);
