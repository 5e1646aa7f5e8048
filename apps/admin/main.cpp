#include <iostream>
#include <map>

#include <Poco/Exception.h>
#include <Poco/Util/MapConfiguration.h>

#include "admin_command.h"
#include "config/config_error.h"
#include "server_core.h"

using namespace gpucloud;

namespace
{

const std::map<std::string, admin::AdminCommand>& commands()
{
	static const std::map<std::string, admin::AdminCommand> table{
		{"migrate", admin::migrateCommand()},
		{"create-admin", admin::createAdminCommand()},
		{"credit", admin::creditCommand()},
	};
	return table;
}

void printUsage(std::ostream& out)
{
	out << "Usage: gpucloud-admin [--config FILE] COMMAND [ARGUMENTS]\n\n"
		   "Operator commands for gpucloud. They read the same configuration file as gpucloud-server and apply\n"
		   "pending database migrations first.\n\nCommands:\n";
	for (const auto& [name, command] : commands())
		out << "  " << name << " " << command.usage << "\n      " << command.summary << "\n";
}

} // namespace

namespace gpucloud::admin
{

std::string optionValue(const std::vector<std::string>& arguments, const std::string& name)
{
	for (std::size_t i = 0; i < arguments.size(); ++i)
	{
		if (arguments[i] != "--" + name)
			continue;
		if (i + 1 >= arguments.size())
			throw UsageError("Option --" + name + " needs a value");
		return arguments[i + 1];
	}
	return {};
}

} // namespace gpucloud::admin

int main(int argc, char** argv)
{
	std::vector<std::string> arguments(argv + 1, argv + argc);
	std::string configPath;
	if (arguments.size() >= 2 && arguments[0] == "--config")
	{
		configPath = arguments[1];
		arguments.erase(arguments.begin(), arguments.begin() + 2);
	}
	if (arguments.empty() || arguments[0] == "--help" || arguments[0] == "-h")
	{
		printUsage(arguments.empty() ? std::cerr : std::cout);
		return arguments.empty() ? 64 : 0;
	}

	auto command = commands().find(arguments[0]);
	if (command == commands().end())
	{
		std::cerr << "gpucloud-admin: unknown command '" << arguments[0] << "'\n";
		printUsage(std::cerr);
		return 64;
	}

	try
	{
		auto configuration = configPath.empty()
			? Poco::AutoPtr<Poco::Util::AbstractConfiguration>(new Poco::Util::MapConfiguration)
			: server::loadConfigurationFile(configPath);
		return command->second.run(std::vector<std::string>(arguments.begin() + 1, arguments.end()), configuration);
	}
	catch (const admin::UsageError& error)
	{
		std::cerr << "gpucloud-admin " << command->first << ": " << error.what() << "\nUsage: gpucloud-admin "
				  << command->first << " " << command->second.usage << "\n";
		return 64;
	}
	catch (const config::ConfigError& error)
	{
		std::cerr << "gpucloud-admin: configuration error: " << error.what() << "\n";
		return 78;
	}
	catch (const Poco::Exception& error)
	{
		std::cerr << "gpucloud-admin " << command->first << " failed: " << error.displayText() << "\n";
		return 1;
	}
	catch (const std::exception& error)
	{
		std::cerr << "gpucloud-admin " << command->first << " failed: " << error.what() << "\n";
		return 1;
	}
}
