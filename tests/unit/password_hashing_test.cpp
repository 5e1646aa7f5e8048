#include <cppunit/extensions/HelperMacros.h>

#include <atomic>
#include <future>

#include "auth/argon2_password_hasher.h"
#include "auth/password_hashing.h"
#include "http/api_error.h"
#include "util/bounded_executor.h"

using namespace gpucloud;
using providers::auth::Argon2PasswordHasher;

class PasswordHashingTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(PasswordHashingTest);
	CPPUNIT_TEST(roundTrip);
	CPPUNIT_TEST(wrongPassword);
	CPPUNIT_TEST(saltDiffers);
	CPPUNIT_TEST(malformedHash);
	CPPUNIT_TEST(rehashOnNewParameters);
	CPPUNIT_TEST(poolRoundTrip);
	CPPUNIT_TEST(executorSaturates);
	CPPUNIT_TEST(executorPropagatesException);
	CPPUNIT_TEST_SUITE_END();

public:
	void roundTrip()
	{
		Argon2PasswordHasher hasher(1, 8192);
		std::string hash = hasher.hash("correct horse battery staple");
		CPPUNIT_ASSERT_EQUAL(0, hash.compare(0, 10, "$argon2id$"));
		CPPUNIT_ASSERT(hasher.verify(hash, "correct horse battery staple"));
	}

	void wrongPassword()
	{
		Argon2PasswordHasher hasher(1, 8192);
		std::string hash = hasher.hash("correct horse battery staple");
		CPPUNIT_ASSERT(!hasher.verify(hash, "correct horse battery stapler"));
		CPPUNIT_ASSERT(!hasher.verify(hash, ""));
	}

	void saltDiffers()
	{
		Argon2PasswordHasher hasher(1, 8192);
		CPPUNIT_ASSERT(hasher.hash("same password here") != hasher.hash("same password here"));
	}

	void malformedHash()
	{
		Argon2PasswordHasher hasher(1, 8192);
		CPPUNIT_ASSERT(!hasher.verify("not-a-hash", "anything at all"));
	}

	void rehashOnNewParameters()
	{
		Argon2PasswordHasher weak(1, 8192);
		Argon2PasswordHasher strong(2, 16384);
		std::string hash = weak.hash("correct horse battery staple");
		CPPUNIT_ASSERT(!weak.needsRehash(hash));
		CPPUNIT_ASSERT(strong.needsRehash(hash));
		CPPUNIT_ASSERT(strong.verify(hash, "correct horse battery staple"));
	}

	void poolRoundTrip()
	{
		providers::auth::PasswordHashing hashing(1, 8192, 2, 8);
		std::string hash = hashing.hash("correct horse battery staple");
		CPPUNIT_ASSERT(hashing.verify(hash, "correct horse battery staple"));
		CPPUNIT_ASSERT(!hashing.verify(hash, "wrong password entirely"));
	}

	void executorSaturates()
	{
		util::BoundedExecutor executor("test", 1, 1);
		std::promise<void> release;
		std::shared_future<void> gate = release.get_future().share();
		std::atomic<bool> started{false};
		auto running = executor.submit([&] {
			started = true;
			gate.wait();
			return 1;
		});
		while (!started)
			std::this_thread::yield();
		auto queued = executor.submit([] { return 2; });
		CPPUNIT_ASSERT_THROW(executor.submit([] { return 3; }), util::ExecutorSaturated);
		release.set_value();
		CPPUNIT_ASSERT_EQUAL(1, running.get());
		CPPUNIT_ASSERT_EQUAL(2, queued.get());
	}

	void executorPropagatesException()
	{
		util::BoundedExecutor executor("test", 1, 4);
		auto failing = executor.submit([]() -> int { throw std::runtime_error("boom"); });
		CPPUNIT_ASSERT_THROW(failing.get(), std::runtime_error);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(PasswordHashingTest);
