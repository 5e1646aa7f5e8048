#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Logger.h>

#include "logging_setup.h"
#include "support/temp_dir.h"

using namespace gpucloud;

class LoggingSetupTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(LoggingSetupTest);
	CPPUNIT_TEST(levelAppliesToLoggerCreatedLater);
	CPPUNIT_TEST(levelAppliesToChildCreatedLater);
	CPPUNIT_TEST(otherLoggersKeepRootLevel);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		config::LoggingSettings settings;
		settings.file = (_folder.path() / "server.log").string();
		settings.level = "information";
		settings.loggerLevels["gpucloud.later"] = "warning";
		server::configureLogging(settings);
	}

	void levelAppliesToLoggerCreatedLater()
	{
		CPPUNIT_ASSERT_EQUAL(static_cast<int>(Poco::Message::PRIO_WARNING), Poco::Logger::get("gpucloud.later").getLevel());
	}

	void levelAppliesToChildCreatedLater()
	{
		CPPUNIT_ASSERT_EQUAL(static_cast<int>(Poco::Message::PRIO_WARNING),
			Poco::Logger::get("gpucloud.later.child").getLevel());
	}

	void otherLoggersKeepRootLevel()
	{
		CPPUNIT_ASSERT_EQUAL(static_cast<int>(Poco::Message::PRIO_INFORMATION),
			Poco::Logger::get("gpucloud.elsewhere").getLevel());
	}

private:
	testing::TempDir _folder;
};

CPPUNIT_TEST_SUITE_REGISTRATION(LoggingSetupTest);
