#include <stdexcept>

#include <cppunit/extensions/HelperMacros.h>

#include "domain_description.h"
#include "domain_xml.h"
#include "hostdev_editor.h"
#include "xml_document.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

const PciAddress kFirst{0, 0x3b, 0, 0};
const PciAddress kSecond{0, 0x86, 0, 0};
const PciAddress kThird{0, 0xaf, 0, 0};

std::string domainWith(const std::vector<PciAddress>& gpus)
{
	DomainDefinition definition;
	definition.name = "gpucloud-vm-1";
	definition.vmId = "vm-1";
	definition.instanceName = "lv1";
	definition.templateVmid = 9000;
	definition.pool = "gpucloud";
	definition.volume = "gpucloud-vm-1.qcow2";
	definition.network = "default";
	definition.gpus = gpus;
	return buildDomainXml(definition);
}

/// Inserts a guest PCI address into the hostdev of `gpu`, as libvirt adds one when it defines the domain.
std::string withGuestAddress(std::string xml, const PciAddress& gpu)
{
	std::string hostdev = buildHostdevXml(gpu);
	std::string closing = "    </hostdev>\n";
	std::string guestAddress = "      <address type='pci' domain='0x0000' bus='0x07' slot='0x00' function='0x0'/>\n";
	std::string withAddress = hostdev.substr(0, hostdev.size() - closing.size()) + guestAddress + closing;
	return xml.replace(xml.find(hostdev), hostdev.size(), withAddress);
}

} // namespace

class HostdevEditorTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HostdevEditorTest);
	CPPUNIT_TEST(replacesGpus);
	CPPUNIT_TEST(addsToDomainWithout);
	CPPUNIT_TEST(removesAll);
	CPPUNIT_TEST(keepsGuestAddress);
	CPPUNIT_TEST(keepsOtherDevices);
	CPPUNIT_TEST(keepsUsbHostdev);
	CPPUNIT_TEST(dropsRepeatedHostdev);
	CPPUNIT_TEST(rejectsInvalidXml);
	CPPUNIT_TEST(rejectsOtherRoot);
	CPPUNIT_TEST_SUITE_END();

public:
	void replacesGpus()
	{
		std::string updated = replaceGpuHostdevs(domainWith({kFirst, kSecond}), {kSecond, kThird});
		std::vector<PciAddress> gpus = DomainDescription::parse(updated).gpus;
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), gpus.size());
		CPPUNIT_ASSERT(gpus[0] == kSecond);
		CPPUNIT_ASSERT(gpus[1] == kThird);
	}

	void addsToDomainWithout()
	{
		std::string updated = replaceGpuHostdevs(domainWith({}), {kThird});
		std::vector<PciAddress> gpus = DomainDescription::parse(updated).gpus;
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), gpus.size());
		CPPUNIT_ASSERT(gpus[0] == kThird);
		XmlDocument document(updated);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), document.count("/domain/devices/hostdev[@managed='yes']"));
	}

	void removesAll()
	{
		std::string updated = replaceGpuHostdevs(domainWith({kFirst, kSecond}), {});
		CPPUNIT_ASSERT(DomainDescription::parse(updated).gpus.empty());
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), XmlDocument(updated).count("/domain/devices/hostdev"));
	}

	void keepsGuestAddress()
	{
		std::string original = withGuestAddress(domainWith({kFirst, kSecond}), kFirst);
		std::string updated = replaceGpuHostdevs(original, {kFirst, kThird});
		XmlDocument document(updated);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), document.count("/domain/devices/hostdev/address[@bus='0x07']"));
		CPPUNIT_ASSERT_EQUAL(std::string("0x3b"),
			document.text("string(/domain/devices/hostdev[address/@bus='0x07']/source/address/@bus)"));
	}

	void keepsOtherDevices()
	{
		std::string updated = replaceGpuHostdevs(domainWith({kFirst}), {kSecond});
		DomainDescription description = DomainDescription::parse(updated);
		CPPUNIT_ASSERT_EQUAL(std::string("gpucloud-vm-1"), description.name);
		CPPUNIT_ASSERT_EQUAL(std::string("vm-1"), description.vmId);
		CPPUNIT_ASSERT_EQUAL(std::string("lv1"), description.instanceName);
		CPPUNIT_ASSERT_EQUAL(std::int64_t(9000), description.templateVmid);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), description.volumes.size());
		XmlDocument document(updated);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), document.count("/domain/devices/interface"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), document.count("/domain/devices/memballoon"));
	}

	void keepsUsbHostdev()
	{
		std::string usb = "    <hostdev mode='subsystem' type='usb'>\n"
						  "      <source><vendor id='0x046d'/><product id='0xc52b'/></source>\n"
						  "    </hostdev>\n";
		std::string original = domainWith({kFirst});
		original.insert(original.find("    <serial"), usb);
		std::string updated = replaceGpuHostdevs(original, {});
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), XmlDocument(updated).count("/domain/devices/hostdev[@type='usb']"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), XmlDocument(updated).count("/domain/devices/hostdev[@type='pci']"));
	}

	void dropsRepeatedHostdev()
	{
		std::string original = domainWith({kFirst});
		original.insert(original.find("    <serial"), buildHostdevXml(kFirst));
		std::vector<PciAddress> gpus = DomainDescription::parse(replaceGpuHostdevs(original, {kFirst})).gpus;
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), gpus.size());
	}

	void rejectsInvalidXml()
	{
		CPPUNIT_ASSERT_THROW(replaceGpuHostdevs("<domain><devices>", {kFirst}), std::invalid_argument);
	}

	void rejectsOtherRoot()
	{
		CPPUNIT_ASSERT_THROW(replaceGpuHostdevs("<network><name>default</name></network>", {}), std::invalid_argument);
		CPPUNIT_ASSERT_THROW(replaceGpuHostdevs("<domain><name>x</name></domain>", {}), std::invalid_argument);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(HostdevEditorTest);

} // namespace gpucloud::plugins::libvirt
