#pragma once

#include <string>

#include <cppunit/extensions/HelperMacros.h>

namespace gpucloud::testing
{

/// Calls `call` and returns the exception of type E that it throws; fails the test when it throws nothing.
/// Tests then assert on the exception's kind and message.
template <class E, class Call>
E expectThrow(Call&& call, const std::string& what = "the call")
{
	try
	{
		call();
	}
	catch (const E& error)
	{
		return error;
	}
	CPPUNIT_FAIL(what + " did not throw");
	throw; // not reached: CPPUNIT_FAIL throws
}

/// Returns true when `text` contains `fragment`.
inline bool contains(const std::string& text, const std::string& fragment)
{
	return text.find(fragment) != std::string::npos;
}

} // namespace gpucloud::testing
