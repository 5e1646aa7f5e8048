#include <cstdlib>
#include <iostream>

#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/Logger.h>

// Runs every suite registered with CPPUNIT_TEST_SUITE_REGISTRATION in this executable. An optional argument
// selects one test or suite by name, such as "RouterTest::parameterRoute".
int main(int argc, char** argv)
{
	// Tests keep the server's log quiet unless GPUCLOUD_TEST_LOG names a level.
	const char* level = std::getenv("GPUCLOUD_TEST_LOG");
	Poco::Logger::root().setChannel(new Poco::ConsoleChannel);
	Poco::Logger::setLevel("", Poco::Logger::parseLevel(level ? level : "none"));

	CppUnit::TestResult controller;
	CppUnit::TestResultCollector collector;
	controller.addListener(&collector);
	CppUnit::BriefTestProgressListener progress;
	controller.addListener(&progress);

	CppUnit::TestRunner runner;
	runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
	runner.run(controller, argc > 1 ? argv[1] : "");

	CppUnit::CompilerOutputter outputter(&collector, std::cerr);
	outputter.write();
	return collector.wasSuccessful() ? EXIT_SUCCESS : EXIT_FAILURE;
}
