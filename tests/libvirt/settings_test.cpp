#include <cppunit/extensions/HelperMacros.h>
#include <Poco/AutoPtr.h>
#include <Poco/Util/IniFileConfiguration.h>

#include "gpucloud/sdk/errors.h"
#include "backend_settings.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

sdk::ConfigMap minimal()
{
	return {
		{"plugin", "libvirt"},
		{"node.gpu01.uri", "qemu+ssh://root@10.0.0.11/system"},
		{"template.9000.volume", "ubuntu.qcow2"},
	};
}

/// Returns the message of the InvalidRequest that parsing `config` raises; fails when it raises nothing.
std::string rejection(const sdk::ConfigMap& config)
{
	try
	{
		BackendSettings::parse("lv1", config);
	}
	catch (const sdk::BackendError& error)
	{
		CPPUNIT_ASSERT_EQUAL(std::string("invalid_request"), std::string(sdk::errorKindName(error.kind())));
		return error.what();
	}
	CPPUNIT_FAIL("the configuration was accepted");
	return "";
}

bool mentions(const std::string& message, const std::string& text)
{
	return message.find(text) != std::string::npos;
}

} // namespace

class SettingsTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(SettingsTest);
	CPPUNIT_TEST(minimalDefaults);
	CPPUNIT_TEST(nodeOverrides);
	CPPUNIT_TEST(configuredGpus);
	CPPUNIT_TEST(unknownKey);
	CPPUNIT_TEST(missingUri);
	CPPUNIT_TEST(missingTemplate);
	CPPUNIT_TEST(badInteger);
	CPPUNIT_TEST(badChoice);
	CPPUNIT_TEST(badPciId);
	CPPUNIT_TEST(gpuOfUnknownType);
	CPPUNIT_TEST(duplicateGpu);
	CPPUNIT_TEST(badCloudInitUrl);
	CPPUNIT_TEST(shortCloudInitSecret);
	CPPUNIT_TEST(backoffOrder);
	CPPUNIT_TEST(shippedExample);
	CPPUNIT_TEST_SUITE_END();

public:
	void minimalDefaults()
	{
		BackendSettings settings = BackendSettings::parse("lv1", minimal());
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(1), settings.nodes.size());
		CPPUNIT_ASSERT_EQUAL(std::string("gpu01"), settings.nodes[0].name);
		CPPUNIT_ASSERT_EQUAL(std::string("default"), settings.nodes[0].pool);
		CPPUNIT_ASSERT_EQUAL(std::string("default"), settings.nodes[0].network);
		CPPUNIT_ASSERT(!settings.nodes[0].gpus.has_value());
		CPPUNIT_ASSERT_EQUAL(std::string("ubuntu.qcow2"), settings.templateVolumes.at(9000));
		CPPUNIT_ASSERT(settings.cloudInitUrl.empty());
		CPPUNIT_ASSERT_EQUAL(static_cast<long>(300), static_cast<long>(settings.shutdownTimeout.count()));
	}

	void nodeOverrides()
	{
		sdk::ConfigMap config = minimal();
		config["pool"] = "fast";
		config["location"] = "fra1";
		config["node.gpu.02.uri"] = "qemu:///system";
		config["node.gpu.02.pool"] = "slow";
		config["node.gpu.02.location"] = "ams1";
		BackendSettings settings = BackendSettings::parse("lv1", config);
		const NodeSettings* first = settings.findNode("gpu01");
		const NodeSettings* second = settings.findNode("gpu.02");
		CPPUNIT_ASSERT(first != nullptr && second != nullptr);
		CPPUNIT_ASSERT_EQUAL(std::string("fast"), first->pool);
		CPPUNIT_ASSERT_EQUAL(std::string("fra1"), first->location);
		CPPUNIT_ASSERT_EQUAL(std::string("slow"), second->pool);
		CPPUNIT_ASSERT_EQUAL(std::string("ams1"), second->location);
	}

	void configuredGpus()
	{
		sdk::ConfigMap config = minimal();
		config["gpu_type.5090.model"] = "RTX 5090";
		config["node.gpu01.gpus"] = "5090@0000:3B:00.0, 5090@86:00.0";
		BackendSettings settings = BackendSettings::parse("lv1", config);
		const auto& gpus = *settings.nodes[0].gpus;
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(2), gpus.size());
		CPPUNIT_ASSERT_EQUAL(std::string("0000:3b:00.0"), gpus[0].address.toString());
		CPPUNIT_ASSERT_EQUAL(std::string("0000:86:00.0"), gpus[1].address.toString());
	}

	void unknownKey()
	{
		sdk::ConfigMap config = minimal();
		config["node.gpu01.poool"] = "x";
		CPPUNIT_ASSERT(mentions(rejection(config), "'backends.lv1.node.gpu01.poool'"));
	}

	void missingUri()
	{
		sdk::ConfigMap config = minimal();
		config["node.gpu02.pool"] = "x";
		CPPUNIT_ASSERT(mentions(rejection(config), "'backends.lv1.node.gpu02.uri' is missing"));
	}

	void missingTemplate()
	{
		sdk::ConfigMap config = minimal();
		config.erase("template.9000.volume");
		CPPUNIT_ASSERT(mentions(rejection(config), "template.<vmid>.volume"));
	}

	void badInteger()
	{
		sdk::ConfigMap config = minimal();
		config["shutdown_timeout_s"] = "soon";
		CPPUNIT_ASSERT(mentions(rejection(config), "'backends.lv1.shutdown_timeout_s' must be an integer"));
	}

	void badChoice()
	{
		sdk::ConfigMap config = minimal();
		config["ip_source"] = "dns";
		CPPUNIT_ASSERT(mentions(rejection(config), "'backends.lv1.ip_source' must be one of lease, agent, arp"));
	}

	void badPciId()
	{
		sdk::ConfigMap config = minimal();
		config["gpu_type.5090.model"] = "RTX 5090";
		config["gpu_type.5090.pci_id"] = "nvidia";
		CPPUNIT_ASSERT(mentions(rejection(config), "'backends.lv1.gpu_type.5090.pci_id'"));
	}

	void gpuOfUnknownType()
	{
		sdk::ConfigMap config = minimal();
		config["node.gpu01.gpus"] = "h100@0000:3b:00.0";
		CPPUNIT_ASSERT(mentions(rejection(config), "names the GPU type 'h100'"));
	}

	void duplicateGpu()
	{
		sdk::ConfigMap config = minimal();
		config["gpu_type.5090.model"] = "RTX 5090";
		config["node.gpu01.gpus"] = "5090@0000:3b:00.0, 5090@3b:00.0";
		CPPUNIT_ASSERT(mentions(rejection(config), "twice"));
	}

	void badCloudInitUrl()
	{
		sdk::ConfigMap config = minimal();
		config["cloud_init_url"] = "http://10.0.0.1/a;b";
		config["cloud_init_secret"] = "0123456789abcdef0123";
		CPPUNIT_ASSERT(mentions(rejection(config), "'backends.lv1.cloud_init_url'"));
	}

	void shortCloudInitSecret()
	{
		sdk::ConfigMap config = minimal();
		config["cloud_init_url"] = "http://10.0.0.1/cloud-init";
		config["cloud_init_secret"] = "short";
		std::string message = rejection(config);
		CPPUNIT_ASSERT(mentions(message, "'backends.lv1.cloud_init_secret'"));
		CPPUNIT_ASSERT_MESSAGE("the message reveals the secret", !mentions(message, "short'"));
	}

	void backoffOrder()
	{
		sdk::ConfigMap config = minimal();
		config["reconnect_initial_ms"] = "5000";
		config["reconnect_max_ms"] = "1000";
		CPPUNIT_ASSERT(mentions(rejection(config), "'backends.lv1.reconnect_max_ms'"));
	}

	void shippedExample()
	{
		// Parsing only: nothing connects to the example's hosts.
		Poco::AutoPtr<Poco::Util::IniFileConfiguration> ini(
			new Poco::Util::IniFileConfiguration(std::string(GPUCLOUD_SOURCE_DIR) + "/config/examples/libvirt.ini"));
		sdk::ConfigMap config;
		collect(*ini, "backends.lv1", "", config);
		BackendSettings settings = BackendSettings::parse("lv1", config);
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(2), settings.nodes.size());
		CPPUNIT_ASSERT_EQUAL(std::string("ams1"), settings.findNode("gpu02")->location);
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(2), settings.templateVolumes.size());
		CPPUNIT_ASSERT_EQUAL(static_cast<std::size_t>(2), settings.gpuTypes.size());
	}

private:
	static void collect(const Poco::Util::AbstractConfiguration& ini, const std::string& prefix,
		const std::string& relative, sdk::ConfigMap& config)
	{
		Poco::Util::AbstractConfiguration::Keys keys;
		ini.keys(prefix, keys);
		for (const auto& key : keys)
		{
			std::string name = relative.empty() ? key : relative + "." + key;
			if (ini.has(prefix + "." + key))
				config[name] = ini.getString(prefix + "." + key);
			collect(ini, prefix + "." + key, name, config);
		}
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(SettingsTest);

} // namespace gpucloud::plugins::libvirt
