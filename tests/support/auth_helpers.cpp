#include "support/auth_helpers.h"

#include <sstream>
#include <stdexcept>

#include <Poco/String.h>

#include <Poco/JSON/Object.h>

#include "http/response.h"
#include "support/test_server.h"

namespace gpucloud::testing
{

std::string iniWith(const std::string& section, const std::string& lines)
{
	std::string ini = TestServer::defaultIni();
	std::string header = "[" + section + "]\n";
	std::size_t start = ini.find(header);
	if (start == std::string::npos)
		throw std::invalid_argument("The base configuration has no section [" + section + "]");
	start += header.size();

	std::istringstream input(lines);
	std::string line;
	while (std::getline(input, line))
	{
		std::string key = Poco::trim(line.substr(0, line.find('=')));
		std::size_t end = ini.find("\n[", start);
		if (end == std::string::npos)
			end = ini.size();
		// A key the section already sets is replaced, because the INI reader keeps the last of two values.
		std::size_t existing = ini.find("\n" + key + " =", start - 1);
		if (existing != std::string::npos && existing < end)
		{
			std::size_t lineEnd = ini.find('\n', existing + 1);
			ini.replace(existing + 1, lineEnd - existing - 1, line);
		}
		else
		{
			ini.insert(start, line + "\n");
		}
	}
	return ini;
}

std::string credentialsJson(const std::string& email, const std::string& password)
{
	Poco::JSON::Object body;
	body.set("email", email);
	body.set("password", password);
	return http::toJson(body);
}

Poco::JSON::Object::Ptr registerAndLogin(HttpClient& client, const std::string& email, const std::string& password)
{
	HttpResult registered = client.postJson("/auth/register", credentialsJson(email, password));
	if (registered.status != 201)
		throw std::runtime_error("Registering " + email + " returned " + std::to_string(registered.status));
	HttpResult login = client.postJson("/auth/login", credentialsJson(email, password));
	if (login.status != 200)
		throw std::runtime_error("Login of " + email + " returned " + std::to_string(login.status));
	return login.json();
}

} // namespace gpucloud::testing
