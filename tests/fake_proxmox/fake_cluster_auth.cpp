#include <cstdio>
#include <ctime>
#include <sstream>

#include <Poco/Base64Encoder.h>
#include <Poco/HMACEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/SHA1Engine.h>

#include "fake_cluster.h"

namespace gpucloud::testing::proxmox
{

namespace
{

std::string sign(const std::string& key, const std::string& text)
{
	Poco::HMACEngine<Poco::SHA1Engine> hmac(key);
	hmac.update(text);
	const Poco::DigestEngine::Digest& digest = hmac.digest();
	std::ostringstream out;
	Poco::Base64Encoder encoder(out);
	encoder.rdbuf()->setLineLength(0);
	encoder.write(reinterpret_cast<const char*>(digest.data()), static_cast<std::streamsize>(digest.size()));
	encoder.close();
	return out.str();
}

std::string hexTime(std::time_t time)
{
	char buffer[16];
	std::snprintf(buffer, sizeof buffer, "%08lX", static_cast<unsigned long>(time));
	return buffer;
}

/// Extracts the value after "<key>=" or "<key> " up to the next ';', URI-unescaped, like extract_auth_value.
std::string extractAuthValue(const std::string& header, const std::string& key)
{
	std::size_t at = header.find(key);
	while (at != std::string::npos)
	{
		std::size_t after = at + key.size();
		if (after < header.size() && (header[after] == '=' || header[after] == ' '))
		{
			std::size_t end = header.find(';', after + 1);
			return uriUnescape(header.substr(after + 1, end == std::string::npos ? std::string::npos : end - after - 1));
		}
		at = header.find(key, at + 1);
	}
	return "";
}

FakeError authFailure(const std::string& text)
{
	return FakeError(401, text, {}, true);
}

} // namespace

Principal FakeCluster::authenticate(const std::string& authorization, const std::string& cookie,
	const std::string& csrfToken, const std::string& method)
{
	const bool unified = _options.version.unifiedAuthFailure;
	std::string tokenValue = extractAuthValue(authorization, "PVEAPIToken");
	if (!tokenValue.empty())
	{
		std::size_t split = tokenValue.rfind('=');
		std::string tokenId = split == std::string::npos ? tokenValue : tokenValue.substr(0, split);
		std::string secret = split == std::string::npos ? "" : tokenValue.substr(split + 1);
		std::size_t bang = tokenId.find('!');
		if (bang == std::string::npos || tokenId.find('@') == std::string::npos || tokenId.find('@') > bang)
			throw authFailure(unified ? "Authentication failed!" : "invalid token value!");
		std::lock_guard<std::mutex> lock(_mutex);
		for (const FakeTokenOptions& token : _options.tokens)
		{
			if (token.id != tokenId)
				continue;
			if (token.expired)
				throw authFailure(unified ? "Authentication failed!" : "token '" + tokenId + "' access expired");
			if (token.secret != secret)
				throw authFailure(unified ? "Authentication failed!" : "invalid token value!");
			return Principal{tokenId, tokenId.substr(0, bang), tokenId.substr(bang + 1), token.privileges};
		}
		throw authFailure(unified ? "Authentication failed!"
								  : "no such token '" + tokenId.substr(bang + 1) + "' for user '"
						+ tokenId.substr(0, bang) + "'");
	}

	std::string ticket = extractAuthValue(cookie, "PVEAuthCookie");
	if (ticket.empty())
		ticket = extractAuthValue(authorization, "PVEAuthCookie");
	if (ticket.empty())
		throw authFailure("No ticket");

	// PVE:<userid>:<hex time>::<signature>
	std::size_t first = ticket.find(':');
	std::size_t second = ticket.find(':', first + 1);
	std::size_t third = ticket.find("::", second + 1);
	std::string invalid = unified ? "Authentication failed!" : "permission denied - invalid PVE ticket";
	if (ticket.rfind("PVE:", 0) != 0 || second == std::string::npos || third == std::string::npos)
		throw authFailure(invalid);
	std::string user = ticket.substr(first + 1, second - first - 1);
	std::string time = ticket.substr(second + 1, third - second - 1);
	std::string signature = ticket.substr(third + 2);
	std::lock_guard<std::mutex> lock(_mutex);
	if (signature != sign(_ticketKey, ticket.substr(0, third)))
		throw authFailure(invalid);
	auto issued = static_cast<std::time_t>(std::stoul(time, nullptr, 16));
	auto ageMs = (std::time(nullptr) - issued) * 1000;
	if (ageMs > _options.ticketLifetime.count() || !_options.users.count(user))
		throw authFailure(invalid);
	if (method != "GET")
	{
		std::size_t colon = csrfToken.find(':');
		if (colon == std::string::npos
			|| csrfToken.substr(colon + 1) != sign(_ticketKey, csrfToken.substr(0, colon) + ":" + user))
			throw authFailure("Permission denied - invalid csrf token");
	}
	return Principal{user, user, "", {}};
}

Poco::Dynamic::Var FakeCluster::createTicket(const ParamMap& params)
{
	auto value = [&](const std::string& key) {
		auto it = params.find(key);
		return it == params.end() || it->second.empty() ? std::string() : it->second.front();
	};
	std::string user = value("username");
	if (user.find('@') == std::string::npos && !value("realm").empty())
		user += "@" + value("realm");
	std::string password = value("password");

	bool valid = false;
	{
		std::lock_guard<std::mutex> lock(_mutex);
		auto known = _options.users.find(user);
		valid = known != _options.users.end() && known->second == password;
	}
	if (!valid && password.rfind("PVE:" + user + ":", 0) == 0)
	{
		// Renewal: a still-valid ticket works as the password.
		try
		{
			valid = authenticate("", "PVEAuthCookie=" + password, "", "GET").authId == user;
		}
		catch (const FakeError&)
		{
			valid = false;
		}
	}
	if (!valid)
		throw FakeError(401, "authentication failure");

	std::lock_guard<std::mutex> lock(_mutex);
	std::string stamp = hexTime(std::time(nullptr));
	std::string unsignedTicket = "PVE:" + user + ":" + stamp;
	Poco::JSON::Object::Ptr result = new Poco::JSON::Object;
	result->set("username", user);
	result->set("ticket", unsignedTicket + "::" + sign(_ticketKey, unsignedTicket));
	result->set("CSRFPreventionToken", stamp + ":" + sign(_ticketKey, stamp + ":" + user));
	result->set("cap", Poco::JSON::Object::Ptr(new Poco::JSON::Object));
	return result;
}

} // namespace gpucloud::testing::proxmox
