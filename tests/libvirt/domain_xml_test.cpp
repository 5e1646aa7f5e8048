#include <cstdlib>
#include <fstream>
#include <sstream>

#include <cppunit/extensions/HelperMacros.h>
#include <libvirt/libvirt.h>

#include "domain_description.h"
#include "domain_xml.h"
#include "libvirt_error.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

std::string goldenPath(const std::string& name)
{
	return std::string(LIBVIRT_TEST_DIR) + "/golden/" + name;
}

/// Compares `actual` with the golden file; GPUCLOUD_UPDATE_GOLDEN=1 rewrites the file instead.
void checkGolden(const std::string& name, const std::string& actual)
{
	if (std::getenv("GPUCLOUD_UPDATE_GOLDEN") != nullptr)
		std::ofstream(goldenPath(name)) << actual;
	std::ifstream file(goldenPath(name));
	CPPUNIT_ASSERT_MESSAGE("golden file " + goldenPath(name) + " is missing", file.good());
	std::stringstream expected;
	expected << file.rdbuf();
	CPPUNIT_ASSERT_EQUAL(expected.str(), actual);
}

DomainDefinition plainVm()
{
	DomainDefinition definition;
	definition.name = "gpucloud-3f2a9c4e-0000-4000-8000-000000000001";
	definition.title = "web-1";
	definition.vmId = "3f2a9c4e-0000-4000-8000-000000000001";
	definition.instanceName = "lv1";
	definition.templateVmid = 9000;
	definition.cpuCores = 4;
	definition.ramMb = 8192;
	definition.pool = "gpucloud";
	definition.volume = "gpucloud-3f2a9c4e-0000-4000-8000-000000000001.qcow2";
	definition.network = "default";
	return definition;
}

DomainDefinition gpuVm()
{
	DomainDefinition definition = plainVm();
	definition.gpus = {PciAddress{0, 0x3b, 0, 0}, PciAddress{1, 0xaf, 0x1f, 7}};
	definition.diskBus = "scsi";
	definition.diskFormat = "raw";
	definition.volume = "gpucloud-3f2a9c4e-0000-4000-8000-000000000001.img";
	definition.smbiosSerial = "ds=nocloud;s=http://10.0.0.1:8080/v1/cloud-init/3f2a9c4e/abc/";
	return definition;
}

} // namespace

class DomainXmlTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(DomainXmlTest);
	CPPUNIT_TEST(plainGolden);
	CPPUNIT_TEST(gpuGolden);
	CPPUNIT_TEST(escapesText);
	CPPUNIT_TEST(readsBackMetadata);
	CPPUNIT_TEST(readsBackDevices);
	CPPUNIT_TEST(passesSchemaValidation);
	CPPUNIT_TEST_SUITE_END();

public:
	void plainGolden()
	{
		checkGolden("plain.xml", buildDomainXml(plainVm()));
	}

	void gpuGolden()
	{
		checkGolden("gpu-cloud-init.xml", buildDomainXml(gpuVm()));
	}

	void escapesText()
	{
		DomainDefinition definition = plainVm();
		definition.title = "a<b>&'\"";
		std::string xml = buildDomainXml(definition);
		CPPUNIT_ASSERT(xml.find("<title>a&lt;b&gt;&amp;&apos;&quot;</title>") != std::string::npos);
	}

	void readsBackMetadata()
	{
		DomainDescription description = DomainDescription::parse(buildDomainXml(plainVm()));
		CPPUNIT_ASSERT_EQUAL(plainVm().name, description.name);
		CPPUNIT_ASSERT_EQUAL(plainVm().vmId, description.vmId);
		CPPUNIT_ASSERT_EQUAL(std::string("lv1"), description.instanceName);
		CPPUNIT_ASSERT_EQUAL(static_cast<std::int64_t>(9000), description.templateVmid);
	}

	void readsBackDevices()
	{
		DomainDescription description = DomainDescription::parse(buildDomainXml(gpuVm()));
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(2), description.gpus.size());
		CPPUNIT_ASSERT_EQUAL(std::string("0000:3b:00.0"), description.gpus[0].toString());
		CPPUNIT_ASSERT_EQUAL(std::string("0001:af:1f.7"), description.gpus[1].toString());
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(1), description.volumes.size());
		CPPUNIT_ASSERT_EQUAL(std::string("gpucloud"), description.volumes[0].pool);
		CPPUNIT_ASSERT_EQUAL(gpuVm().volume, description.volumes[0].volume);
	}

	void passesSchemaValidation()
	{
		// libvirt checks the XML against its RNG schema with VIR_DOMAIN_DEFINE_VALIDATE; the test driver needs
		// no daemon for that.
		silenceDefaultErrorOutput();
		virConnectPtr connection = virConnectOpen("test:///default");
		CPPUNIT_ASSERT(connection != nullptr);
		for (const auto& definition : {plainVm(), gpuVm()})
		{
			std::string xml = buildDomainXml(definition);
			virDomainPtr domain = virDomainDefineXMLFlags(connection, xml.c_str(), VIR_DOMAIN_DEFINE_VALIDATE);
			CPPUNIT_ASSERT_MESSAGE(lastFailure().message, domain != nullptr);
			virDomainUndefine(domain);
			virDomainFree(domain);
		}
		virConnectClose(connection);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(DomainXmlTest);

} // namespace gpucloud::plugins::libvirt
