#include "logging_setup.h"

#include <Poco/AsyncChannel.h>
#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Logger.h>
#include <Poco/PatternFormatter.h>

namespace gpucloud::server
{

void configureLogging(const config::LoggingSettings& settings)
{
	Poco::AutoPtr<Poco::Channel> output;
	if (settings.file.empty())
	{
		output = new Poco::ConsoleChannel;
	}
	else
	{
		Poco::AutoPtr<Poco::FileChannel> file = new Poco::FileChannel(settings.file);
		file->setProperty("rotation", settings.rotation);
		file->setProperty("archive", "timestamp");
		file->setProperty("purgeCount", "10");
		output = file;
	}

	Poco::AutoPtr<Poco::PatternFormatter> formatter = new Poco::PatternFormatter(settings.pattern);
	formatter->setProperty("times", "UTC");
	Poco::AutoPtr<Poco::FormattingChannel> formatting = new Poco::FormattingChannel(formatter, output);
	// Writing happens on a separate thread, so a slow disk or terminal does not hold up request threads.
	Poco::AutoPtr<Poco::AsyncChannel> async = new Poco::AsyncChannel(formatting);

	Poco::Logger::root().setChannel(async);
	Poco::Logger::setChannel("", async);
	Poco::Logger::setLevel("", Poco::Logger::parseLevel(settings.level));
	for (const auto& [name, level] : settings.loggerLevels)
	{
		// Logger::setLevel(name, level) changes only loggers that exist already, and a logger created later takes
		// the level of its nearest existing ancestor. Creating the named logger here makes the level stick for it and
		// for the loggers below it that are created later.
		int parsed = Poco::Logger::parseLevel(level);
		Poco::Logger::get(name).setLevel(parsed);
		Poco::Logger::setLevel(name, parsed);
	}
}

} // namespace gpucloud::server
