#include <cppunit/extensions/HelperMacros.h>

#include "cloud_init.h"
#include "domain_metrics.h"
#include "reconnect_backoff.h"

namespace gpucloud::plugins::libvirt
{

/// The small pure parts: reconnect backoff, usage computation and the cloud-init token.
class HelpersTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(HelpersTest);
	CPPUNIT_TEST(backoffDoublesToMaximum);
	CPPUNIT_TEST(backoffResetsOnSuccess);
	CPPUNIT_TEST(usageFromTwoSamples);
	CPPUNIT_TEST(usageUnknownWithoutStats);
	CPPUNIT_TEST(tokenIsHmacSha256);
	CPPUNIT_TEST(serialPointsAtServer);
	CPPUNIT_TEST_SUITE_END();

	using Clock = std::chrono::system_clock;
	using ms = std::chrono::milliseconds;

public:
	void backoffDoublesToMaximum()
	{
		ReconnectBackoff backoff(ms(100), ms(350));
		Clock::time_point start{};
		CPPUNIT_ASSERT(backoff.mayAttempt(start));
		backoff.recordFailure(start);
		CPPUNIT_ASSERT(!backoff.mayAttempt(start + ms(99)));
		CPPUNIT_ASSERT(backoff.mayAttempt(start + ms(100)));
		backoff.recordFailure(start + ms(100));
		CPPUNIT_ASSERT_EQUAL(static_cast<long>(200), static_cast<long>(backoff.remaining(start + ms(100)).count()));
		backoff.recordFailure(start + ms(300));
		CPPUNIT_ASSERT_EQUAL(static_cast<long>(350), static_cast<long>(backoff.remaining(start + ms(300)).count()));
		backoff.recordFailure(start + ms(650));
		CPPUNIT_ASSERT_EQUAL(static_cast<long>(350), static_cast<long>(backoff.remaining(start + ms(650)).count()));
	}

	void backoffResetsOnSuccess()
	{
		ReconnectBackoff backoff(ms(100), ms(1000));
		Clock::time_point start{};
		backoff.recordFailure(start);
		backoff.recordFailure(start + ms(100));
		backoff.recordSuccess();
		CPPUNIT_ASSERT(backoff.mayAttempt(start + ms(100)));
		CPPUNIT_ASSERT_EQUAL(static_cast<long>(100), static_cast<long>(backoff.nextDelay().count()));
	}

	void usageFromTwoSamples()
	{
		StatsSample earlier;
		earlier.takenAt = std::chrono::steady_clock::time_point{} + std::chrono::seconds(10);
		earlier.values = {{"cpu.time", 1'000'000'000}};
		StatsSample later;
		later.takenAt = earlier.takenAt + std::chrono::seconds(2);
		// 2 s of wall time on 4 vCPUs is 8 s of CPU time; 2 s used is 25 %.
		later.values = {{"cpu.time", 3'000'000'000}, {"balloon.available", 8'000'000}, {"balloon.unused", 2'000'000},
			{"net.count", 2}, {"net.0.rx.bytes", 100}, {"net.0.tx.bytes", 10}, {"net.1.rx.bytes", 5},
			{"net.1.tx.bytes", 1}};
		DomainUsage usage = computeUsage(earlier, later, 4);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(25.0, usage.cpuPercent, 0.001);
		CPPUNIT_ASSERT_DOUBLES_EQUAL(75.0, usage.ramPercent, 0.001);
		CPPUNIT_ASSERT_EQUAL(static_cast<std::uint64_t>(105), usage.networkRxBytes);
		CPPUNIT_ASSERT_EQUAL(static_cast<std::uint64_t>(11), usage.networkTxBytes);
	}

	void usageUnknownWithoutStats()
	{
		StatsSample sample;
		sample.takenAt = std::chrono::steady_clock::time_point{};
		DomainUsage usage = computeUsage(sample, sample, 2);
		CPPUNIT_ASSERT(usage.cpuPercent < 0);
		CPPUNIT_ASSERT(usage.ramPercent < 0);
	}

	void tokenIsHmacSha256()
	{
		// RFC 4231, test case 2.
		CPPUNIT_ASSERT_EQUAL(std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
			cloudInitToken("Jefe", "what do ya want for nothing?"));
	}

	void serialPointsAtServer()
	{
		std::string serial = noCloudSerial("https://cloud.example/v1/cloud-init/", "Jefe", "vm-1");
		CPPUNIT_ASSERT_EQUAL("ds=nocloud;s=https://cloud.example/v1/cloud-init/vm-1/" + cloudInitToken("Jefe", "vm-1")
				+ "/",
			serial);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(HelpersTest);

} // namespace gpucloud::plugins::libvirt
