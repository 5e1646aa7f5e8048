#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include "vms/job_backoff.h"
#include "vms/vm_state.h"

using namespace gpucloud::vms;

class VmStateTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(VmStateTest);
	CPPUNIT_TEST(namesRoundTrip);
	CPPUNIT_TEST(startOnlyFromStoppedOrInterrupted);
	CPPUNIT_TEST(stopAndRestartOnlyWhileRunning);
	CPPUNIT_TEST(resizeNeedsOnlineCapabilityWhileRunning);
	CPPUNIT_TEST(destroyFromEveryStateButDestroyed);
	CPPUNIT_TEST(busyBlocksAllButDestroy);
	CPPUNIT_TEST(refusalsCarryReason);
	CPPUNIT_TEST(gpuHoldingStates);
	CPPUNIT_TEST(backoffDoubles);
	CPPUNIT_TEST(backoffCapped);
	CPPUNIT_TEST(backoffHonoursHint);
	CPPUNIT_TEST(backoffJitterBounded);
	CPPUNIT_TEST(retryLimit);
	CPPUNIT_TEST_SUITE_END();

	const VmState kAll[9] = {VmState::Creating, VmState::Starting, VmState::Running, VmState::Stopping,
		VmState::Stopped, VmState::Interrupted, VmState::Destroyed, VmState::Failed, VmState::Offline};

public:
	void namesRoundTrip()
	{
		for (VmState state : kAll)
			CPPUNIT_ASSERT(parseVmState(vmStateName(state)) == state);
		CPPUNIT_ASSERT(!parseVmState("paused"));
	}

	void startOnlyFromStoppedOrInterrupted()
	{
		for (VmState state : kAll)
		{
			bool expected = state == VmState::Stopped || state == VmState::Interrupted;
			CPPUNIT_ASSERT_EQUAL_MESSAGE(vmStateName(state), expected,
				checkAction(VmAction::Start, state, true, false).allowed);
		}
	}

	void stopAndRestartOnlyWhileRunning()
	{
		for (VmState state : kAll)
		{
			bool expected = state == VmState::Running;
			CPPUNIT_ASSERT_EQUAL_MESSAGE(vmStateName(state), expected,
				checkAction(VmAction::Stop, state, true, false).allowed);
			CPPUNIT_ASSERT_EQUAL_MESSAGE(vmStateName(state), expected,
				checkAction(VmAction::Restart, state, true, false).allowed);
		}
	}

	void resizeNeedsOnlineCapabilityWhileRunning()
	{
		CPPUNIT_ASSERT(checkAction(VmAction::Resize, VmState::Stopped, false, false).allowed);
		CPPUNIT_ASSERT(checkAction(VmAction::Resize, VmState::Running, true, false).allowed);
		CPPUNIT_ASSERT(!checkAction(VmAction::Resize, VmState::Running, false, false).allowed);
		CPPUNIT_ASSERT(!checkAction(VmAction::Resize, VmState::Creating, true, false).allowed);
		CPPUNIT_ASSERT(!checkAction(VmAction::Resize, VmState::Interrupted, true, false).allowed);
	}

	void destroyFromEveryStateButDestroyed()
	{
		for (VmState state : kAll)
		{
			bool expected = state != VmState::Destroyed;
			CPPUNIT_ASSERT_EQUAL_MESSAGE(vmStateName(state), expected,
				checkAction(VmAction::Destroy, state, false, true).allowed);
		}
	}

	void busyBlocksAllButDestroy()
	{
		CPPUNIT_ASSERT(!checkAction(VmAction::Stop, VmState::Running, true, true).allowed);
		CPPUNIT_ASSERT(!checkAction(VmAction::Start, VmState::Stopped, true, true).allowed);
		CPPUNIT_ASSERT(!checkAction(VmAction::Resize, VmState::Stopped, true, true).allowed);
		CPPUNIT_ASSERT(checkAction(VmAction::Destroy, VmState::Running, true, true).allowed);
	}

	void refusalsCarryReason()
	{
		for (VmState state : kAll)
		{
			for (VmAction action : {VmAction::Start, VmAction::Stop, VmAction::Restart, VmAction::Resize,
					 VmAction::Destroy})
			{
				for (bool busy : {false, true})
				{
					ActionVerdict verdict = checkAction(action, state, false, busy);
					CPPUNIT_ASSERT_EQUAL(verdict.allowed, verdict.reason.empty());
				}
			}
		}
		std::string reason = checkAction(VmAction::Stop, VmState::Stopped, false, false).reason;
		CPPUNIT_ASSERT(reason.find("stopped") != std::string::npos);
	}

	void gpuHoldingStates()
	{
		CPPUNIT_ASSERT(holdsGpus(VmState::Creating));
		CPPUNIT_ASSERT(holdsGpus(VmState::Running));
		CPPUNIT_ASSERT(holdsGpus(VmState::Offline));
		CPPUNIT_ASSERT(!holdsGpus(VmState::Stopped));
		CPPUNIT_ASSERT(!holdsGpus(VmState::Interrupted));
		CPPUNIT_ASSERT(!holdsGpus(VmState::Failed));
		CPPUNIT_ASSERT(!holdsGpus(VmState::Destroyed));
	}

	void backoffDoubles()
	{
		BackoffPolicy policy;
		policy.base = std::chrono::seconds(2);
		policy.max = std::chrono::seconds(1000);
		policy.jitter = 0;
		CPPUNIT_ASSERT_EQUAL(2L, static_cast<long>(retryDelay(policy, 1, std::chrono::milliseconds(0), 0).count()));
		CPPUNIT_ASSERT_EQUAL(4L, static_cast<long>(retryDelay(policy, 2, std::chrono::milliseconds(0), 0).count()));
		CPPUNIT_ASSERT_EQUAL(16L, static_cast<long>(retryDelay(policy, 4, std::chrono::milliseconds(0), 0).count()));
	}

	void backoffCapped()
	{
		BackoffPolicy policy;
		policy.base = std::chrono::seconds(2);
		policy.max = std::chrono::seconds(60);
		policy.jitter = 0;
		CPPUNIT_ASSERT_EQUAL(60L, static_cast<long>(retryDelay(policy, 10, std::chrono::milliseconds(0), 0).count()));
		CPPUNIT_ASSERT_EQUAL(60L, static_cast<long>(retryDelay(policy, 500, std::chrono::milliseconds(0), 0).count()));
	}

	void backoffHonoursHint()
	{
		BackoffPolicy policy;
		policy.jitter = 0;
		CPPUNIT_ASSERT_EQUAL(30L, static_cast<long>(retryDelay(policy, 1, std::chrono::milliseconds(29500), 0).count()));
	}

	void backoffJitterBounded()
	{
		BackoffPolicy policy;
		policy.base = std::chrono::seconds(10);
		policy.jitter = 0.2;
		CPPUNIT_ASSERT_EQUAL(10L, static_cast<long>(retryDelay(policy, 1, std::chrono::milliseconds(0), 0).count()));
		CPPUNIT_ASSERT_EQUAL(12L, static_cast<long>(retryDelay(policy, 1, std::chrono::milliseconds(0), 0.999).count()));
	}

	void retryLimit()
	{
		BackoffPolicy policy;
		policy.maxAttempts = 3;
		CPPUNIT_ASSERT(mayRetry(policy, 2));
		CPPUNIT_ASSERT(!mayRetry(policy, 3));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(VmStateTest);
