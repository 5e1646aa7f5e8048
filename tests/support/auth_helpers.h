#pragma once

#include <string>

#include "support/http_client.h"

namespace gpucloud::testing
{

/// Returns TestServer::defaultIni() with the `key = value` lines of `lines` set in section `[section]` (which must
/// exist in it): a key the section sets already is replaced, others are added.
std::string iniWith(const std::string& section, const std::string& lines);

/// Registers `email` with `password` and returns the parsed login response; throws when either step fails.
Poco::JSON::Object::Ptr registerAndLogin(HttpClient& client, const std::string& email, const std::string& password);

/// Returns a JSON object text {"email": ..., "password": ...}.
std::string credentialsJson(const std::string& email, const std::string& password);

} // namespace gpucloud::testing
