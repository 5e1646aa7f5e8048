#include <chrono>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Data/DataException.h>

#include "db/database.h"
#include "support/temp_dir.h"

using namespace gpucloud;

class DatabasePoolTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(DatabasePoolTest);
	CPPUNIT_TEST(exhaustedPoolWaitsForRelease);
	CPPUNIT_TEST(exhaustedPoolFailsAfterWait);
	CPPUNIT_TEST_SUITE_END();

public:
	void exhaustedPoolWaitsForRelease()
	{
		db::Database database(settings(std::chrono::milliseconds(5000)), _folder.path().string());
		std::thread holder;
		{
			auto held = std::make_shared<Poco::Data::Session>(database.session());
			holder = std::thread([held]() mutable {
				std::this_thread::sleep_for(std::chrono::milliseconds(100));
				held.reset();
			});
		}
		Poco::Data::Session second = database.session();
		holder.join();
		CPPUNIT_ASSERT(second.isConnected());
	}

	void exhaustedPoolFailsAfterWait()
	{
		db::Database database(settings(std::chrono::milliseconds(50)), _folder.path().string());
		Poco::Data::Session held = database.session();
		auto started = std::chrono::steady_clock::now();
		CPPUNIT_ASSERT_THROW(database.session(), Poco::Data::SessionPoolExhaustedException);
		CPPUNIT_ASSERT(std::chrono::steady_clock::now() - started >= std::chrono::milliseconds(40));
	}

private:
	static config::DatabaseSettings settings(std::chrono::milliseconds poolWait)
	{
		config::DatabaseSettings settings;
		settings.poolMin = 1;
		settings.poolMax = 1;
		settings.poolWait = poolWait;
		return settings;
	}

	testing::TempDir _folder;
};

CPPUNIT_TEST_SUITE_REGISTRATION(DatabasePoolTest);
