#include <cppunit/extensions/HelperMacros.h>

#include <sstream>

#include <Poco/AutoPtr.h>
#include <Poco/Util/IniFileConfiguration.h>

#include "catalogue/template_config.h"
#include "config/config_error.h"

using namespace gpucloud;

namespace
{

std::vector<catalogue::TemplateInfo> readFrom(const std::string& ini)
{
	std::istringstream stream(ini);
	Poco::AutoPtr<Poco::Util::IniFileConfiguration> configuration = new Poco::Util::IniFileConfiguration(stream);
	config::ConfigSection section(*configuration, "templates");
	auto templates = catalogue::readTemplates(section);
	section.finish();
	return templates;
}

} // namespace

class TemplateConfigTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TemplateConfigTest);
	CPPUNIT_TEST(absentSectionGivesDefaults);
	CPPUNIT_TEST(sectionReplacesDefaults);
	CPPUNIT_TEST(nameRequired);
	CPPUNIT_TEST(accessMustIncludeSsh);
	CPPUNIT_TEST(unknownAccessRejected);
	CPPUNIT_TEST(smallMinStorageRejected);
	CPPUNIT_TEST(nonNumericVmidRejected);
	CPPUNIT_TEST(unknownKeyRejected);
	CPPUNIT_TEST_SUITE_END();

public:
	void absentSectionGivesDefaults()
	{
		auto templates = readFrom("[server]\nport = 1\n");
		CPPUNIT_ASSERT_EQUAL(std::size_t(5), templates.size());
		CPPUNIT_ASSERT_EQUAL(std::int64_t(100), templates[0].vmid);
		CPPUNIT_ASSERT_EQUAL(std::string("Ubuntu 22.04 with NVIDIA drivers"), templates[0].name);
		CPPUNIT_ASSERT(std::vector<std::string>{"ssh"} == templates[1].access);
		CPPUNIT_ASSERT_EQUAL(std::string("Stable Diffusion (A1111)"), templates[2].name);
		CPPUNIT_ASSERT_EQUAL(std::string("ComfyUI"), templates[3].name);
		CPPUNIT_ASSERT_EQUAL(std::string("Linux Desktop"), templates[4].name);
		std::vector<std::string> full{"ssh", "webui", "jupyter"};
		CPPUNIT_ASSERT(full == templates[4].access);
	}

	void sectionReplacesDefaults()
	{
		auto templates = readFrom("[templates]\n300.name = Debian 12\n300.access = ssh, jupyter\n300.min_storage_gb = 80\n"
								  "200.name = Arch\n200.description = Rolling\n");
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), templates.size());
		CPPUNIT_ASSERT_EQUAL(std::int64_t(200), templates[0].vmid);
		CPPUNIT_ASSERT_EQUAL(std::string("Rolling"), templates[0].description);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(50), templates[0].minStorageGb);
		CPPUNIT_ASSERT_EQUAL(std::uint32_t(80), templates[1].minStorageGb);
		std::vector<std::string> access{"ssh", "jupyter"};
		CPPUNIT_ASSERT(access == templates[1].access);
	}

	void nameRequired()
	{
		CPPUNIT_ASSERT_THROW(readFrom("[templates]\n100.description = x\n"), config::ConfigError);
	}

	void accessMustIncludeSsh()
	{
		CPPUNIT_ASSERT_THROW(readFrom("[templates]\n100.name = x\n100.access = webui\n"), config::ConfigError);
	}

	void unknownAccessRejected()
	{
		CPPUNIT_ASSERT_THROW(readFrom("[templates]\n100.name = x\n100.access = ssh, rdp\n"), config::ConfigError);
	}

	void smallMinStorageRejected()
	{
		CPPUNIT_ASSERT_THROW(readFrom("[templates]\n100.name = x\n100.min_storage_gb = 20\n"), config::ConfigError);
	}

	void nonNumericVmidRejected()
	{
		CPPUNIT_ASSERT_THROW(readFrom("[templates]\nubuntu.name = x\n"), config::ConfigError);
	}

	void unknownKeyRejected()
	{
		CPPUNIT_ASSERT_THROW(readFrom("[templates]\n100.name = x\n100.image = y\n"), config::ConfigError);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(TemplateConfigTest);
