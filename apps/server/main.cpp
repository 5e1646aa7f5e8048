#include <fstream>
#include <iostream>
#include <optional>

#include <Poco/Logger.h>
#include <Poco/NumberParser.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/MapConfiguration.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <Poco/Util/OptionSet.h>
#include <Poco/Util/ServerApplication.h>

#include "config/config_error.h"
#include "config/config_section.h"
#include "logging_setup.h"
#include "plugin/plugin_loader.h"
#include "server_core.h"

namespace gpucloud::server
{

/// The gpucloud-server executable: reads the configuration, runs ServerCore until SIGINT or SIGTERM, and stops it
/// gracefully.
class ServerApplication : public Poco::Util::ServerApplication
{
protected:
	void defineOptions(Poco::Util::OptionSet& options) override
	{
		Poco::Util::ServerApplication::defineOptions(options);
		options.addOption(Poco::Util::Option("help", "h", "Print this help and exit.").required(false).repeatable(false)
				.callback(Poco::Util::OptionCallback<ServerApplication>(this, &ServerApplication::handleHelp)));
		options.addOption(Poco::Util::Option("config", "c", "Read the configuration from FILE (INI format).")
				.required(false).repeatable(false).argument("FILE")
				.callback(Poco::Util::OptionCallback<ServerApplication>(this, &ServerApplication::handleConfig)));
		options.addOption(Poco::Util::Option("port", "p", "Listen on TCP port N instead of server.port; 0 picks a free port.")
				.required(false).repeatable(false).argument("N")
				.callback(Poco::Util::OptionCallback<ServerApplication>(this, &ServerApplication::handlePort)));
		options.addOption(Poco::Util::Option("port-file", "", "Write the port the server listens on to FILE once it accepts connections.")
				.required(false).repeatable(false).argument("FILE")
				.callback(Poco::Util::OptionCallback<ServerApplication>(this, &ServerApplication::handlePortFile)));
	}

	int main(const std::vector<std::string>&) override
	{
		if (_helpRequested)
			return EXIT_OK;

		try
		{
			auto configuration = _configPath.empty() ? Poco::AutoPtr<Poco::Util::AbstractConfiguration>(
															new Poco::Util::MapConfiguration)
													 : loadConfigurationFile(_configPath);
			config::ConfigSection loggingSection(*configuration, "logging");
			config::LoggingSettings logging = config::readLoggingSettings(loggingSection);
			loggingSection.finish();
			configureLogging(logging);

			ServerCore core(configuration, _port);
			core.start();
			writePortFile(core.port());
			waitForTerminationRequest();
			Poco::Logger::get("gpucloud.server").information("Termination requested; stopping");
			core.stop();
		}
		catch (const config::ConfigError& error)
		{
			std::cerr << "gpucloud-server: configuration error: " << error.what() << std::endl;
			return EXIT_CONFIG;
		}
		catch (const plugin::PluginLoadError& error)
		{
			std::cerr << "gpucloud-server: " << error.what() << std::endl;
			return EXIT_CONFIG;
		}
		catch (const Poco::Exception& error)
		{
			std::cerr << "gpucloud-server: start-up failed: " << error.displayText() << std::endl;
			return EXIT_SOFTWARE;
		}
		catch (const std::exception& error)
		{
			std::cerr << "gpucloud-server: start-up failed: " << error.what() << std::endl;
			return EXIT_SOFTWARE;
		}
		return EXIT_OK;
	}

private:
	void handleHelp(const std::string&, const std::string&)
	{
		Poco::Util::HelpFormatter formatter(options());
		formatter.setCommand(commandName());
		formatter.setUsage("[--config FILE] [--port N]");
		formatter.setHeader("gpucloud-server: the gpucloud control plane (REST API, job runner, billing meter).");
		formatter.setFooter("Without --config, every setting has its default, and the server refuses to start without "
							"auth.jwt_secret. config/gpucloud.ini is the embedded development configuration.");
		formatter.format(std::cout);
		_helpRequested = true;
		stopOptionsProcessing();
	}

	void handleConfig(const std::string&, const std::string& value) { _configPath = value; }

	void handlePort(const std::string&, const std::string& value)
	{
		unsigned port = 0;
		if (!Poco::NumberParser::tryParseUnsigned(value, port) || port > 65535)
			throw Poco::Util::InvalidArgumentException("--port must be a number from 0 to 65535, not '" + value + "'");
		_port = static_cast<std::uint16_t>(port);
	}

	void handlePortFile(const std::string&, const std::string& value) { _portFile = value; }

	void writePortFile(std::uint16_t port) const
	{
		if (_portFile.empty())
			return;
		std::string temporary = _portFile + ".tmp";
		{
			std::ofstream out(temporary);
			out << port << '\n';
		}
		std::rename(temporary.c_str(), _portFile.c_str());
	}

	bool _helpRequested = false;
	std::string _configPath;
	std::optional<std::uint16_t> _port;
	std::string _portFile;
};

} // namespace gpucloud::server

POCO_SERVER_MAIN(gpucloud::server::ServerApplication)
