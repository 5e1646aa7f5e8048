#include <fstream>
#include <sstream>

#include <Poco/AutoPtr.h>
#include <Poco/Util/IniFileConfiguration.h>

#include <cppunit/extensions/HelperMacros.h>

#include "mock_harness.h"

using namespace gpucloud;
using namespace gpucloud::testing;

namespace
{

const std::string kExample = std::string(GPUCLOUD_SOURCE_DIR) + "/config/examples/mock-backend.ini";

void collect(const Poco::Util::AbstractConfiguration& config, const std::string& prefix, const std::string& key,
	sdk::ConfigMap& values)
{
	std::string path = key.empty() ? prefix : prefix + "." + key;
	Poco::Util::AbstractConfiguration::Keys children;
	config.keys(path, children);
	if (children.empty())
	{
		values[key] = config.getString(path);
		return;
	}
	for (const std::string& child : children)
		collect(config, prefix, key.empty() ? child : key + "." + child, values);
}

// Returns the keys of [backends.mock] without the prefix, as the server hands them to the plugin. With
// `uncomment` true, the commented-out delay and fault examples are read as well.
sdk::ConfigMap readExample(bool uncomment)
{
	std::ifstream file(kExample);
	CPPUNIT_ASSERT_MESSAGE(kExample, file.good());
	std::ostringstream text;
	for (std::string line; std::getline(file, line);)
	{
		if (uncomment && (line.rfind(";delay_ms.", 0) == 0 || line.rfind(";fault.", 0) == 0))
			line.erase(0, 1);
		text << line << '\n';
	}
	std::istringstream input(text.str());
	Poco::AutoPtr<Poco::Util::IniFileConfiguration> config(new Poco::Util::IniFileConfiguration(input));
	sdk::ConfigMap values;
	collect(*config, "backends.mock", "", values);
	return values;
}

} // namespace

class MockExampleConfigTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MockExampleConfigTest);
	CPPUNIT_TEST(exampleIsDefault);
	CPPUNIT_TEST(commentedExamplesValid);
	CPPUNIT_TEST_SUITE_END();

public:
	void exampleIsDefault()
	{
		sdk::ConfigMap values = readExample(false);
		CPPUNIT_ASSERT_EQUAL(std::string("mock"), values.at("plugin"));
		auto example = loadMock(_host, values);
		auto defaults = loadMock(_host);
		std::vector<sdk::NodeInfo> expected = defaults->listNodes();
		std::vector<sdk::NodeInfo> actual = example->listNodes();
		CPPUNIT_ASSERT_EQUAL(expected.size(), actual.size());
		for (std::size_t i = 0; i < expected.size(); ++i)
		{
			CPPUNIT_ASSERT_EQUAL(expected[i].name, actual[i].name);
			CPPUNIT_ASSERT_EQUAL(expected[i].location, actual[i].location);
			CPPUNIT_ASSERT_EQUAL(expected[i].cpuModel, actual[i].cpuModel);
			CPPUNIT_ASSERT_EQUAL(expected[i].cpuCores, actual[i].cpuCores);
			CPPUNIT_ASSERT_EQUAL(expected[i].ramMb, actual[i].ramMb);
			CPPUNIT_ASSERT_EQUAL(expected[i].storageTotalGb, actual[i].storageTotalGb);
			CPPUNIT_ASSERT_EQUAL(expected[i].storageFreeGb, actual[i].storageFreeGb);
			CPPUNIT_ASSERT_EQUAL(expected[i].pcieGen, actual[i].pcieGen);
			CPPUNIT_ASSERT(expected[i].status == actual[i].status);
			CPPUNIT_ASSERT(expected[i].templateVmids == actual[i].templateVmids);
			CPPUNIT_ASSERT_EQUAL(expected[i].gpus.size(), actual[i].gpus.size());
			for (std::size_t g = 0; g < expected[i].gpus.size(); ++g)
			{
				CPPUNIT_ASSERT_EQUAL(expected[i].gpus[g].type, actual[i].gpus[g].type);
				CPPUNIT_ASSERT_EQUAL(expected[i].gpus[g].model, actual[i].gpus[g].model);
				CPPUNIT_ASSERT_EQUAL(expected[i].gpus[g].vramMb, actual[i].gpus[g].vramMb);
				CPPUNIT_ASSERT_EQUAL(expected[i].gpus[g].address, actual[i].gpus[g].address);
			}
		}
		CPPUNIT_ASSERT_EQUAL(defaults->info().capabilities, example->info().capabilities);
	}

	void commentedExamplesValid()
	{
		sdk::ConfigMap values = readExample(true);
		CPPUNIT_ASSERT_EQUAL(std::string("fail unavailable on call 1; delay 2s from call 2"), values.at("fault.start_vm"));
		CPPUNIT_ASSERT_EQUAL(std::string("2000"), values.at("delay_ms.create_vm"));
		CPPUNIT_ASSERT(loadMock(_host, values) != nullptr);
	}

private:
	RecordingHost _host;
};

CPPUNIT_TEST_SUITE_REGISTRATION(MockExampleConfigTest);
