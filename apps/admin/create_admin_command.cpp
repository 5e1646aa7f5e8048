#include <termios.h>
#include <unistd.h>

#include <fstream>
#include <iostream>

#include "admin_command.h"
#include "admin_database.h"
#include "auth/auth_settings.h"
#include "auth/jwt_codec.h"
#include "auth/local_account_service.h"
#include "http/api_error.h"

namespace gpucloud::admin
{

namespace
{

std::string firstLine(std::istream& in)
{
	std::string line;
	std::getline(in, line);
	if (!line.empty() && line.back() == '\r')
		line.pop_back();
	return line;
}

/// Reads the password from `file`, or from standard input without echo when that is a terminal.
std::string readPassword(const std::string& file)
{
	if (!file.empty())
	{
		std::ifstream in(file);
		if (!in)
			throw UsageError("Password file '" + file + "' cannot be read");
		return firstLine(in);
	}

	bool terminal = isatty(STDIN_FILENO) != 0;
	termios saved{};
	if (terminal)
	{
		std::cerr << "Password for the new administrator (input hidden): " << std::flush;
		tcgetattr(STDIN_FILENO, &saved);
		termios silent = saved;
		silent.c_lflag &= static_cast<tcflag_t>(~ECHO);
		tcsetattr(STDIN_FILENO, TCSANOW, &silent);
	}
	std::string password = firstLine(std::cin);
	if (terminal)
	{
		tcsetattr(STDIN_FILENO, TCSANOW, &saved);
		std::cerr << "\n";
	}
	return password;
}

int createAdmin(const std::vector<std::string>& arguments, Poco::AutoPtr<Poco::Util::AbstractConfiguration> configuration)
{
	std::string email = optionValue(arguments, "email");
	if (email.empty())
		throw UsageError("--email is required");
	for (std::size_t i = 0; i < arguments.size(); i += 2)
	{
		if (arguments[i] != "--email" && arguments[i] != "--password-file")
			throw UsageError("Unknown argument '" + arguments[i] + "'. Pass the password with --password-file or on standard input");
	}

	config::ServerSettings server;
	int applied = 0;
	std::unique_ptr<db::Database> database = openMigratedDatabase(*configuration, server, applied);
	config::ConfigSection authSection(*configuration, "auth");
	auth::AuthSettings settings = auth::readAuthSettings(authSection, server.isDevelopment());

	using namespace providers::auth;
	auto hashing = std::make_shared<PasswordHashing>(settings.argon2Ops, settings.argon2MemoryKib, 1, 4);
	LocalAccountService accounts(settings, *database, hashing, std::make_shared<JwtCodec>(settings),
		std::make_shared<VerifiedKeyCache>(settings.apiKeyCacheTtl), nullptr);

	std::string normalised = LocalAccountService::normaliseEmail(email);
	std::string password;
	{
		// An existing user keeps its password, so none is read for a promotion.
		Poco::Data::Session session = database->session();
		if (!user_store::findByEmail(session, normalised))
			password = readPassword(optionValue(arguments, "password-file"));
	}

	try
	{
		auto [user, created] = accounts.ensureAdmin(email, password, "cli");
		std::cout << (created ? "Created administrator " : "Made administrator ") << user.email << " (user id "
				  << user.id << ")\n";
		return 0;
	}
	catch (const http::ApiError& error)
	{
		// Validation errors carry the field; the sentence is enough for an operator.
		std::string message = error.fieldErrors().empty() ? error.detail() : error.fieldErrors().front().message;
		std::cerr << "gpucloud-admin create-admin: " << message << "\n";
		return 65;
	}
}

} // namespace

AdminCommand createAdminCommand()
{
	AdminCommand command;
	command.usage = "--email EMAIL [--password-file FILE]";
	command.summary = "Create an administrator, or make an existing user one. The password (at least 12 characters) "
					  "is read from FILE or standard input, never from the command line.";
	command.run = createAdmin;
	return command;
}

} // namespace gpucloud::admin
