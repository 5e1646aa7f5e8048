#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include <Poco/AutoPtr.h>
#include <Poco/Util/AbstractConfiguration.h>

namespace gpucloud::admin
{

/// Raised for a wrong command line; main prints the message and the usage and exits with 64 (EX_USAGE).
class UsageError : public std::runtime_error
{
public:
	using std::runtime_error::runtime_error;
};

/// One operator command, such as `create-admin`.
struct AdminCommand
{
	std::string usage;    ///< arguments after the command name
	std::string summary;  ///< one line for the help text
	/// Runs the command with its own arguments and returns the exit code. Throws UsageError for bad arguments.
	std::function<int(const std::vector<std::string>& arguments,
		Poco::AutoPtr<Poco::Util::AbstractConfiguration> configuration)> run;
};

AdminCommand migrateCommand();
AdminCommand createAdminCommand();
AdminCommand creditCommand();

/// Returns the value after `--name` in `arguments`, or an empty string when the option is absent.
std::string optionValue(const std::vector<std::string>& arguments, const std::string& name);

} // namespace gpucloud::admin
