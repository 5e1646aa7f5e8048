#include <cppunit/extensions/HelperMacros.h>

#include "gpu_inventory.h"
#include "pci_address.h"
#include "pci_device.h"

namespace gpucloud::plugins::libvirt
{

namespace
{

std::string deviceXml(const std::string& vendor, const std::string& product, const std::string& deviceClass)
{
	return "<device><name>pci_0000_3b_00_0</name><capability type='pci'><class>" + deviceClass
		+ "</class><domain>0</domain><bus>59</bus><slot>0</slot><function>0</function><product id='" + product
		+ "'>GB202 [GeForce RTX 5090]</product><vendor id='" + vendor
		+ "'>NVIDIA Corporation</vendor><pci-express><link validity='cap' port='0' speed='32' width='16'/>"
		  "<link validity='sta' speed='8' width='16'/></pci-express></capability></device>";
}

} // namespace

class PciTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PciTest);
	CPPUNIT_TEST(parsesFullAddress);
	CPPUNIT_TEST(parsesShortAddress);
	CPPUNIT_TEST(rejectsBadAddresses);
	CPPUNIT_TEST(parsesDevice);
	CPPUNIT_TEST(vgaAndThreeDAreGpus);
	CPPUNIT_TEST(audioIsNotGpu);
	CPPUNIT_TEST(otherVendorIsNotGpu);
	CPPUNIT_TEST(deviceWithoutPciCapability);
	CPPUNIT_TEST(typesKnownProduct);
	CPPUNIT_TEST(typesUnknownProduct);
	CPPUNIT_TEST_SUITE_END();

public:
	void parsesFullAddress()
	{
		auto address = PciAddress::parse("0000:3B:00.1");
		CPPUNIT_ASSERT(address.has_value());
		CPPUNIT_ASSERT_EQUAL(std::string("0000:3b:00.1"), address->toString());
	}

	void parsesShortAddress()
	{
		auto address = PciAddress::parse("af:1f.7");
		CPPUNIT_ASSERT(address.has_value());
		CPPUNIT_ASSERT_EQUAL(std::string("0000:af:1f.7"), address->toString());
	}

	void rejectsBadAddresses()
	{
		for (const char* text : {"", "3b", "0000:3b:00", "0000:3b:20.0", "0000:3b:00.8", "00000:3b:00.0", "0000:xx:00.0",
				 "1:2:3:4.0"})
			CPPUNIT_ASSERT_MESSAGE(text, !PciAddress::parse(text).has_value());
	}

	void parsesDevice()
	{
		auto device = PciDevice::parse(deviceXml("0x10de", "0x2b85", "0x030000"));
		CPPUNIT_ASSERT(device.has_value());
		CPPUNIT_ASSERT_EQUAL(std::string("0000:3b:00.0"), device->address.toString());
		CPPUNIT_ASSERT_EQUAL(std::string("10de"), device->vendorId);
		CPPUNIT_ASSERT_EQUAL(std::string("2b85"), device->productId);
		CPPUNIT_ASSERT_EQUAL(std::string("GB202 [GeForce RTX 5090]"), device->productName);
		CPPUNIT_ASSERT_EQUAL(5u, device->pcieGen);
	}

	void vgaAndThreeDAreGpus()
	{
		CPPUNIT_ASSERT(PciDevice::parse(deviceXml("0x10de", "0x2b85", "0x030000"))->isNvidiaGpu());
		CPPUNIT_ASSERT(PciDevice::parse(deviceXml("0x10DE", "0x20b5", "0x030200"))->isNvidiaGpu());
	}

	void audioIsNotGpu()
	{
		CPPUNIT_ASSERT(!PciDevice::parse(deviceXml("0x10de", "0x22e8", "0x040300"))->isNvidiaGpu());
	}

	void otherVendorIsNotGpu()
	{
		CPPUNIT_ASSERT(!PciDevice::parse(deviceXml("0x1002", "0x744c", "0x030000"))->isNvidiaGpu());
	}

	void deviceWithoutPciCapability()
	{
		CPPUNIT_ASSERT(!PciDevice::parse("<device><name>computer</name><capability type='system'/></device>"));
	}

	void typesKnownProduct()
	{
		std::map<std::string, GpuTypeSettings> types{{"5090", GpuTypeSettings{"5090", "RTX 5090", 32768, "10de:2b85"}}};
		sdk::GpuDevice gpu = GpuInventory::describe(*PciDevice::parse(deviceXml("0x10de", "0x2b85", "0x030000")), types);
		CPPUNIT_ASSERT_EQUAL(std::string("5090"), gpu.type);
		CPPUNIT_ASSERT_EQUAL(std::string("RTX 5090"), gpu.model);
		CPPUNIT_ASSERT_EQUAL(static_cast<std::uint64_t>(32768), gpu.vramMb);
		CPPUNIT_ASSERT_EQUAL(std::string("0000:3b:00.0"), gpu.address);
	}

	void typesUnknownProduct()
	{
		sdk::GpuDevice gpu = GpuInventory::describe(*PciDevice::parse(deviceXml("0x10de", "0x2b85", "0x030000")), {});
		CPPUNIT_ASSERT_EQUAL(std::string("10de:2b85"), gpu.type);
		CPPUNIT_ASSERT_EQUAL(std::string("GB202 [GeForce RTX 5090]"), gpu.model);
		CPPUNIT_ASSERT_EQUAL(static_cast<std::uint64_t>(0), gpu.vramMb);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PciTest);

} // namespace gpucloud::plugins::libvirt
