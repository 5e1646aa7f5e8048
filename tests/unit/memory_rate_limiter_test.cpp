#include <cppunit/extensions/HelperMacros.h>

#include "ratelimit/memory_rate_limiter.h"

using namespace gpucloud;
using providers::MemoryRateLimiter;
using ratelimit::RateClass;

namespace
{

struct ManualClock
{
	std::chrono::steady_clock::time_point now{std::chrono::hours(1)};

	MemoryRateLimiter::Clock function()
	{
		return [this] { return now; };
	}
};

providers::RateLimitSettings limits()
{
	providers::RateLimitSettings settings;
	settings.loginPerMinute = 5;
	settings.loginAccountPerMinute = 3;
	settings.readPerMinute = 60;
	return settings;
}

} // namespace

class MemoryRateLimiterTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(MemoryRateLimiterTest);
	CPPUNIT_TEST(allowsUpToLimit);
	CPPUNIT_TEST(retryAfterAndReset);
	CPPUNIT_TEST(refillsOverTime);
	CPPUNIT_TEST(keysIndependent);
	CPPUNIT_TEST(classesIndependent);
	CPPUNIT_TEST(disabledAllowsAll);
	CPPUNIT_TEST_SUITE_END();

public:
	void allowsUpToLimit()
	{
		ManualClock clock;
		MemoryRateLimiter limiter(limits(), clock.function());
		for (std::uint32_t i = 0; i < 5; ++i)
		{
			ratelimit::RateDecision decision = limiter.consume(RateClass::Login, "ip:1");
			CPPUNIT_ASSERT(decision.allowed);
			CPPUNIT_ASSERT_EQUAL(4 - i, decision.remaining);
			CPPUNIT_ASSERT_EQUAL(5u, decision.limit);
		}
		CPPUNIT_ASSERT(!limiter.consume(RateClass::Login, "ip:1").allowed);
	}

	void retryAfterAndReset()
	{
		ManualClock clock;
		MemoryRateLimiter limiter(limits(), clock.function());
		for (int i = 0; i < 5; ++i)
			limiter.consume(RateClass::Login, "ip:1");
		ratelimit::RateDecision refused = limiter.consume(RateClass::Login, "ip:1");
		// 5 per minute refill one token every 12 seconds; an empty bucket is full again after 60.
		CPPUNIT_ASSERT_EQUAL(std::int64_t(12), static_cast<std::int64_t>(refused.retryAfter.count()));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(60), static_cast<std::int64_t>(refused.reset.count()));
		CPPUNIT_ASSERT_EQUAL(0u, refused.remaining);
	}

	void refillsOverTime()
	{
		ManualClock clock;
		MemoryRateLimiter limiter(limits(), clock.function());
		for (int i = 0; i < 5; ++i)
			limiter.consume(RateClass::Login, "ip:1");
		clock.now += std::chrono::seconds(11);
		CPPUNIT_ASSERT(!limiter.consume(RateClass::Login, "ip:1").allowed);
		clock.now += std::chrono::seconds(1);
		CPPUNIT_ASSERT(limiter.consume(RateClass::Login, "ip:1").allowed);
		CPPUNIT_ASSERT(!limiter.consume(RateClass::Login, "ip:1").allowed);
	}

	void keysIndependent()
	{
		ManualClock clock;
		MemoryRateLimiter limiter(limits(), clock.function());
		for (int i = 0; i < 3; ++i)
			limiter.consume(RateClass::LoginAccount, "email:a@b.io");
		CPPUNIT_ASSERT(!limiter.consume(RateClass::LoginAccount, "email:a@b.io").allowed);
		CPPUNIT_ASSERT(limiter.consume(RateClass::LoginAccount, "email:c@d.io").allowed);
	}

	void classesIndependent()
	{
		ManualClock clock;
		MemoryRateLimiter limiter(limits(), clock.function());
		for (int i = 0; i < 5; ++i)
			limiter.consume(RateClass::Login, "ip:1");
		CPPUNIT_ASSERT(!limiter.consume(RateClass::Login, "ip:1").allowed);
		CPPUNIT_ASSERT(limiter.consume(RateClass::Read, "ip:1").allowed);
	}

	void disabledAllowsAll()
	{
		providers::RateLimitSettings settings = limits();
		settings.enabled = false;
		MemoryRateLimiter limiter(settings);
		for (int i = 0; i < 20; ++i)
			CPPUNIT_ASSERT(limiter.consume(RateClass::Login, "ip:1").allowed);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(MemoryRateLimiterTest);
