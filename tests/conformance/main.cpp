#include <cstdlib>
#include <iostream>

#include <cppunit/BriefTestProgressListener.h>
#include <cppunit/CompilerOutputter.h>
#include <cppunit/TestResult.h>
#include <cppunit/TestResultCollector.h>
#include <cppunit/TestRunner.h>
#include <cppunit/extensions/TestFactoryRegistry.h>

#include "conformance_fixture.h"
#include "plugin/plugin_loader.h"

namespace
{

constexpr int kUsageError = 2;

/// Loads the plugin once before any test, so that a plugin that cannot load fails with one clear message.
bool pluginLoads(const gpucloud::conformance::KitOptions& options)
{
	gpucloud::conformance::KitHost host(options.verbose);
	gpucloud::plugin::PluginLoader loader(options.pluginDirectory);
	try
	{
		auto backend = loader.load(options.instanceName, options.plugin, options.config, host, false);
		auto info = backend->info();
		std::cout << "Plugin '" << info.name << "' " << info.version << " (ABI " << info.abiVersion << "), backend '"
				  << options.instanceName << "' from " << loader.resolve(options.plugin).string() << "\n";
		return true;
	}
	catch (const std::exception& error)
	{
		std::cerr << "gpucloud-conformance: " << error.what() << '\n';
		return false;
	}
}

} // namespace

// Runs the conformance suites against the plugin and configuration named on the command line.
int main(int argc, char** argv)
{
	gpucloud::conformance::KitOptions options;
	try
	{
		options = gpucloud::conformance::KitOptions::parse(argc, argv);
	}
	catch (const std::invalid_argument& error)
	{
		std::cerr << "gpucloud-conformance: " << error.what() << "\n\n" << gpucloud::conformance::KitOptions::usage();
		return kUsageError;
	}
	gpucloud::conformance::setKitOptions(options);
	if (!pluginLoads(options))
		return EXIT_FAILURE;

	CppUnit::TestResult controller;
	CppUnit::TestResultCollector collector;
	controller.addListener(&collector);
	CppUnit::BriefTestProgressListener progress;
	controller.addListener(&progress);

	CppUnit::TestRunner runner;
	runner.addTest(CppUnit::TestFactoryRegistry::getRegistry().makeTest());
	try
	{
		runner.run(controller, options.testName);
	}
	catch (const std::invalid_argument& error)
	{
		std::cerr << "gpucloud-conformance: no test named '" << options.testName << "': " << error.what() << '\n';
		return kUsageError;
	}

	CppUnit::CompilerOutputter outputter(&collector, std::cerr);
	outputter.write();
	return collector.wasSuccessful() ? EXIT_SUCCESS : EXIT_FAILURE;
}
