#include "support/test_server.h"

namespace gpucloud::testing
{

namespace
{

void replaceAll(std::string& text, const std::string& from, const std::string& to)
{
	for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
		text.replace(at, from.size(), to);
}

} // namespace

std::string TestServer::defaultIni()
{
	return R"([server]
profile = development
host = 127.0.0.1
port = 0
data_dir = @DATA@
plugin_dir = @PLUGINS@
shutdown_timeout = 2

[auth]
jwt_secret = test-secret-that-is-long-enough-for-hs256-0123456789
argon2_ops = 1
argon2_memory_kib = 8192

[rate_limits]
login_per_minute = 100000
login_account_per_minute = 100000
auth_per_minute = 100000
read_per_minute = 100000
vm_per_minute = 100000

[backends.mock]
plugin = mock
)";
}

std::string TestServer::withServerKeys(const std::string& keys)
{
	std::string ini = defaultIni();
	const std::string anchor = "shutdown_timeout = 2\n";
	ini.insert(ini.find(anchor) + anchor.size(), keys + (keys.empty() || keys.back() == '\n' ? "" : "\n"));
	return ini;
}

TestServer::TestServer(const std::string& extraIni, const std::string& baseIni)
{
	std::string ini = baseIni + "\n" + extraIni + "\n";
	replaceAll(ini, "@DATA@", (_directory.path() / "data").string());
	replaceAll(ini, "@PLUGINS@", GPUCLOUD_PLUGIN_DIR);
	std::filesystem::path file = _directory.writeFile("gpucloud.ini", ini);
	_core = std::make_unique<server::ServerCore>(server::loadConfigurationFile(file.string()));
	_core->start();
}

TestServer::~TestServer()
{
	stop();
}

void TestServer::stop()
{
	if (_core)
		_core->stop();
}

} // namespace gpucloud::testing
