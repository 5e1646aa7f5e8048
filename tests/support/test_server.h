#pragma once

#include <memory>
#include <string>

#include "server_core.h"
#include "support/http_client.h"
#include "support/temp_dir.h"

namespace gpucloud::testing
{

/// The real server, started in this process on a loopback port the system picked, with a fresh data folder and
/// SQLite database. `extraIni` is appended to a base configuration (development profile, mock backend, rate limits
/// high enough not to interfere); a section it repeats replaces nothing, so put only new sections or keys there.
class TestServer
{
public:
	explicit TestServer(const std::string& extraIni = "", const std::string& baseIni = defaultIni());
	~TestServer();

	std::uint16_t port() const { return _core->port(); }
	HttpClient client(bool keepAlive = false) const { return HttpClient(port(), keepAlive); }
	server::ServerCore& core() { return *_core; }
	const TempDir& directory() const { return _directory; }

	/// Stops the server; the destructor does it otherwise.
	void stop();

	/// The base configuration. `@DATA@` and `@PLUGINS@` are replaced by the test's folders.
	static std::string defaultIni();

	/// Returns the base configuration with `keys` (lines of `key = value`) added to its [server] section.
	static std::string withServerKeys(const std::string& keys);

private:
	TempDir _directory;
	std::unique_ptr<server::ServerCore> _core;
};

} // namespace gpucloud::testing
