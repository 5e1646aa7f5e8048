#include <cppunit/extensions/HelperMacros.h>

#include <Poco/AutoPtr.h>
#include <Poco/Util/MapConfiguration.h>

#include "auth/auth_settings.h"
#include "config/config_error.h"
#include "config/config_section.h"
#include "config/core_settings.h"
#include "server_core.h"
#include "support/temp_dir.h"

using namespace gpucloud;

namespace
{

Poco::AutoPtr<Poco::Util::MapConfiguration> makeConfiguration(std::initializer_list<std::pair<const char*, const char*>> entries)
{
	Poco::AutoPtr<Poco::Util::MapConfiguration> configuration = new Poco::Util::MapConfiguration;
	for (const auto& entry : entries)
		configuration->setString(entry.first, entry.second);
	return configuration;
}

/// Returns the message of the ConfigError that `action` raises, or an empty string when it raises none.
template <class Action>
std::string configErrorOf(Action action)
{
	try
	{
		action();
	}
	catch (const config::ConfigError& error)
	{
		return error.what();
	}
	return {};
}

bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}

} // namespace

class ConfigTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ConfigTest);
	CPPUNIT_TEST(serverDefaults);
	CPPUNIT_TEST(unknownKeyNamed);
	CPPUNIT_TEST(badIntegerNamed);
	CPPUNIT_TEST(outOfRangeNamed);
	CPPUNIT_TEST(badChoiceNamed);
	CPPUNIT_TEST(badBooleanNamed);
	CPPUNIT_TEST(subtreeAccepted);
	CPPUNIT_TEST(backendsRequirePlugin);
	CPPUNIT_TEST(backendsRequired);
	CPPUNIT_TEST(backendsReadWithConfig);
	CPPUNIT_TEST(duplicateBackendRejected);
	CPPUNIT_TEST(postgresqlNeedsConnection);
	CPPUNIT_TEST(developmentGeneratesSecret);
	CPPUNIT_TEST(productionRequiresSecret);
	CPPUNIT_TEST(productionRejectsShortSecret);
	CPPUNIT_TEST(unknownSectionStopsStart);
	CPPUNIT_TEST(unknownServerKeyStopsStart);
	CPPUNIT_TEST(listSplitTrims);
	CPPUNIT_TEST_SUITE_END();

public:
	void serverDefaults()
	{
		auto configuration = makeConfiguration({});
		config::ConfigSection section(*configuration, "server");
		config::ServerSettings settings = config::readServerSettings(section);
		CPPUNIT_ASSERT_EQUAL(std::string("127.0.0.1"), settings.http.host);
		CPPUNIT_ASSERT_EQUAL(std::uint16_t(8080), settings.http.port);
		CPPUNIT_ASSERT_EQUAL(std::string("production"), settings.profile);
		section.finish();
	}

	void unknownKeyNamed()
	{
		auto configuration = makeConfiguration({{"server.prot", "80"}});
		config::ConfigSection section(*configuration, "server");
		config::readServerSettings(section);
		std::string message = configErrorOf([&] { section.finish(); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'server.prot'"));
	}

	void badIntegerNamed()
	{
		auto configuration = makeConfiguration({{"server.port", "eighty"}});
		config::ConfigSection section(*configuration, "server");
		std::string message = configErrorOf([&] { config::readServerSettings(section); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'server.port'"));
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "eighty"));
	}

	void outOfRangeNamed()
	{
		auto configuration = makeConfiguration({{"server.port", "70000"}});
		config::ConfigSection section(*configuration, "server");
		std::string message = configErrorOf([&] { config::readServerSettings(section); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'server.port'"));
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "65535"));
	}

	void badChoiceNamed()
	{
		auto configuration = makeConfiguration({{"database.driver", "oracle"}});
		config::ConfigSection section(*configuration, "database");
		std::string message = configErrorOf([&] { config::readDatabaseSettings(section); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'database.driver'"));
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "sqlite"));
	}

	void badBooleanNamed()
	{
		auto configuration = makeConfiguration({{"rate_limits.enabled", "maybe"}});
		config::ConfigSection section(*configuration, "rate_limits");
		std::string message = configErrorOf([&] { section.getBool("enabled", true); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'rate_limits.enabled'"));
	}

	void subtreeAccepted()
	{
		auto configuration = makeConfiguration({{"logging.levels.gpucloud.http", "debug"}});
		config::ConfigSection section(*configuration, "logging");
		config::LoggingSettings settings = config::readLoggingSettings(section);
		section.finish();
		CPPUNIT_ASSERT_EQUAL(std::string("debug"), settings.loggerLevels.at("gpucloud.http"));
	}

	void backendsRequirePlugin()
	{
		auto configuration = makeConfiguration({{"backends.pve1.url", "https://127.0.0.1:8006"}});
		config::ConfigSection section(*configuration, "backends");
		std::string message = configErrorOf([&] { config::readBackendSettings(section); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'backends.pve1.plugin'"));
	}

	void backendsRequired()
	{
		auto configuration = makeConfiguration({});
		config::ConfigSection section(*configuration, "backends");
		std::string message = configErrorOf([&] { config::readBackendSettings(section); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "[backends.<name>]"));
	}

	void backendsReadWithConfig()
	{
		auto configuration = makeConfiguration({{"backends.a.plugin", "mock"}, {"backends.a.node.vm01.gpus", "5090:2"},
			{"backends.b.plugin", "/opt/libx.so"}});
		config::ConfigSection section(*configuration, "backends");
		std::vector<config::BackendSettings> backends = config::readBackendSettings(section);
		section.finish();
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backends.size());
		CPPUNIT_ASSERT_EQUAL(std::string("a"), backends[0].name);
		CPPUNIT_ASSERT_EQUAL(std::string("mock"), backends[0].plugin);
		CPPUNIT_ASSERT_EQUAL(std::string("5090:2"), backends[0].config.at("node.vm01.gpus"));
		CPPUNIT_ASSERT_EQUAL(std::string("/opt/libx.so"), backends[1].plugin);
	}

	void duplicateBackendRejected()
	{
		testing::TempDir directory;
		auto file = directory.writeFile("dup.ini", "[backends.a]\nplugin = mock\n\n[backends.A]\nplugin = mock\n");
		std::string message = configErrorOf([&] { config::rejectDuplicateSections(file.string()); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "Backend name 'a'"));
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "line 4"));
	}

	void postgresqlNeedsConnection()
	{
		auto configuration = makeConfiguration({{"database.driver", "postgresql"}});
		config::ConfigSection section(*configuration, "database");
		std::string message = configErrorOf([&] { config::readDatabaseSettings(section); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'database.connection'"));
	}

	void developmentGeneratesSecret()
	{
		auto configuration = makeConfiguration({});
		config::ConfigSection section(*configuration, "auth");
		auth::AuthSettings settings = auth::readAuthSettings(section, true);
		CPPUNIT_ASSERT(settings.jwtSecretGenerated);
		CPPUNIT_ASSERT(settings.jwtSecret.size() >= 32);
	}

	void productionRequiresSecret()
	{
		auto configuration = makeConfiguration({});
		config::ConfigSection section(*configuration, "auth");
		std::string message = configErrorOf([&] { auth::readAuthSettings(section, false); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'auth.jwt_secret'"));
	}

	void productionRejectsShortSecret()
	{
		auto configuration = makeConfiguration({{"auth.jwt_secret", "short"}});
		config::ConfigSection section(*configuration, "auth");
		std::string message = configErrorOf([&] { auth::readAuthSettings(section, false); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "32 bytes"));
	}

	void unknownSectionStopsStart()
	{
		testing::TempDir directory;
		auto file = directory.writeFile("gpucloud.ini", "[server]\nprofile = development\n\n[biling]\nmeter_interval = 60\n");
		std::string message = configErrorOf([&] { server::ServerCore core(server::loadConfigurationFile(file.string())); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "[biling]"));
		CPPUNIT_ASSERT(!std::filesystem::exists(directory.path() / "data"));
	}

	void unknownServerKeyStopsStart()
	{
		testing::TempDir directory;
		auto file = directory.writeFile("gpucloud.ini", "[server]\nprofile = development\nmax_thread = 9\n");
		std::string message = configErrorOf([&] { server::ServerCore core(server::loadConfigurationFile(file.string())); });
		CPPUNIT_ASSERT_MESSAGE(message, contains(message, "'server.max_thread'"));
	}

	void listSplitTrims()
	{
		std::vector<std::string> items = config::splitList(" a, b ,,c ");
		CPPUNIT_ASSERT_EQUAL(std::size_t(3), items.size());
		CPPUNIT_ASSERT_EQUAL(std::string("b"), items[1]);
		CPPUNIT_ASSERT_EQUAL(std::string("c"), items[2]);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ConfigTest);
