#include "support/auth_helpers.h"

#include <stdexcept>

#include <Poco/JSON/Object.h>

#include "http/response.h"
#include "support/test_server.h"

namespace gpucloud::testing
{

std::string iniWith(const std::string& section, const std::string& lines)
{
	std::string ini = TestServer::defaultIni();
	std::string header = "[" + section + "]\n";
	std::size_t at = ini.find(header);
	if (at == std::string::npos)
		throw std::invalid_argument("The base configuration has no section [" + section + "]");
	ini.insert(at + header.size(), lines + "\n");
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
