#include <atomic>
#include <fstream>
#include <sstream>
#include <thread>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include <Poco/Logger.h>
#include <Poco/StreamChannel.h>

#include "http/dispatcher.h"
#include "http/http_server.h"
#include "support/http_client.h"
#include "support/test_server.h"

using namespace gpucloud;
using testing::HttpClient;
using testing::HttpResult;
using testing::TestServer;

namespace
{

/// Waits up to `seconds` for `file` to hold a port number written by a server started with --port-file.
std::uint16_t waitForPortFile(const std::filesystem::path& file, int seconds)
{
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
	while (std::chrono::steady_clock::now() < deadline)
	{
		std::ifstream in(file);
		unsigned port = 0;
		if (in >> port && port > 0)
			return static_cast<std::uint16_t>(port);
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	return 0;
}

} // namespace

class ServerTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ServerTest);
	CPPUNIT_TEST(healthzAnswers);
	CPPUNIT_TEST(readyzReportsComponents);
	CPPUNIT_TEST(unknownRouteIsJson404);
	CPPUNIT_TEST(wrongMethodIs405WithAllow);
	CPPUNIT_TEST(oversizedBodyIs413);
	CPPUNIT_TEST(bodyWithinLimitAccepted);
	CPPUNIT_TEST(requestIdEchoedWhenSane);
	CPPUNIT_TEST(requestIdReplacedWhenUnsafe);
	CPPUNIT_TEST(keepAliveServesSeveralRequests);
	CPPUNIT_TEST(headHasNoBody);
	CPPUNIT_TEST(portInUseStopsStart);
	CPPUNIT_TEST(accessLogRedactsTokens);
	CPPUNIT_TEST(metricsCountRequests);
	CPPUNIT_TEST(metricsTokenRequired);
	CPPUNIT_TEST(stopFinishesInFlightRequest);
	CPPUNIT_TEST(sigtermStopsExecutable);
	CPPUNIT_TEST(badConfigurationStopsExecutable);
	CPPUNIT_TEST_SUITE_END();

public:
	void healthzAnswers()
	{
		TestServer server;
		HttpResult result = server.client().get("/healthz");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("ok"), result.json()->getValue<std::string>("status"));
		CPPUNIT_ASSERT_EQUAL(std::string("application/json"), result.header("Content-Type"));
	}

	void readyzReportsComponents()
	{
		TestServer server;
		HttpResult result = server.client().get("/readyz");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		Poco::JSON::Object::Ptr components = result.json()->getObject("components");
		CPPUNIT_ASSERT(components->getObject("database")->getValue<bool>("ready"));
		CPPUNIT_ASSERT(components->getObject("backend:mock")->getValue<bool>("ready"));
	}

	void unknownRouteIsJson404()
	{
		TestServer server;
		HttpResult result = server.client().get("/no/such/route");
		CPPUNIT_ASSERT_EQUAL(404, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("Not Found"), result.json()->getValue<std::string>("detail"));
		CPPUNIT_ASSERT(!result.header("X-Request-Id").empty());
	}

	void wrongMethodIs405WithAllow()
	{
		TestServer server;
		HttpResult result = server.client().request("DELETE", "/healthz");
		CPPUNIT_ASSERT_EQUAL(405, result.status);
		CPPUNIT_ASSERT_EQUAL(std::string("GET"), result.header("Allow"));
		CPPUNIT_ASSERT(result.json()->has("detail"));
	}

	void oversizedBodyIs413()
	{
		TestServer server;
		// The declared length alone exceeds the limit, so the server responds before the body is sent.
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server.port()));
		std::string head = "POST /healthz HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
						   "Content-Length: 2097152\r\n\r\n";
		socket.sendBytes(head.data(), static_cast<int>(head.size()));
		std::string reply;
		char buffer[4096];
		int received = 0;
		while ((received = socket.receiveBytes(buffer, sizeof(buffer))) > 0)
			reply.append(buffer, static_cast<std::size_t>(received));
		CPPUNIT_ASSERT_MESSAGE(reply, reply.rfind("HTTP/1.1 413", 0) == 0);
		CPPUNIT_ASSERT_MESSAGE(reply, reply.find("exceeds 1048576 bytes") != std::string::npos);
	}

	void bodyWithinLimitAccepted()
	{
		TestServer server;
		HttpResult result = server.client().postJson("/healthz", std::string(1024, ' '));
		CPPUNIT_ASSERT_EQUAL(405, result.status);
	}

	void requestIdEchoedWhenSane()
	{
		TestServer server;
		HttpResult result = server.client().get("/healthz", {{"X-Request-Id", "trace-42.a_b"}});
		CPPUNIT_ASSERT_EQUAL(std::string("trace-42.a_b"), result.header("X-Request-Id"));
	}

	void requestIdReplacedWhenUnsafe()
	{
		TestServer server;
		HttpResult result = server.client().get("/healthz", {{"X-Request-Id", "bad id<script>"}});
		std::string id = result.header("X-Request-Id");
		CPPUNIT_ASSERT(!id.empty());
		CPPUNIT_ASSERT(id.find('<') == std::string::npos);
		CPPUNIT_ASSERT(id != "bad id<script>");
	}

	void keepAliveServesSeveralRequests()
	{
		TestServer server;
		HttpClient client = server.client(true);
		for (int i = 0; i < 5; ++i)
			CPPUNIT_ASSERT_EQUAL(200, client.get("/healthz").status);
	}

	void headHasNoBody()
	{
		TestServer server;
		HttpResult result = server.client().request("HEAD", "/healthz");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT(result.body.empty());
	}

	void portInUseStopsStart()
	{
		TestServer first;
		std::string port = std::to_string(first.port());
		CPPUNIT_ASSERT_THROW(std::make_unique<TestServer>("", TestServer::withServerKeys("port = " + port)), Poco::Net::NetException);
		CPPUNIT_ASSERT_EQUAL(200, first.client().get("/healthz").status);
	}

	void accessLogRedactsTokens()
	{
		Poco::AutoPtr<Poco::Channel> previousChannel(Poco::Logger::get("gpucloud.access").getChannel(), true);
		int previousLevel = Poco::Logger::get("gpucloud.access").getLevel();
		Poco::AutoPtr<Poco::StreamChannel> capture = new Poco::StreamChannel(_captured);
		Poco::Logger::get("gpucloud.access").setChannel(capture);
		Poco::Logger::get("gpucloud.access").setLevel(Poco::Message::PRIO_INFORMATION);
		{
			TestServer server("[cloud_init]\nsecret = seed-secret-0123456789\n");
			server.client().get("/cloud-init/vm-1/0123456789abcdef0123456789abcdef/user-data");
		}
		Poco::Logger::get("gpucloud.access").setChannel(previousChannel);
		Poco::Logger::get("gpucloud.access").setLevel(previousLevel);
		std::string log = _captured.str();
		CPPUNIT_ASSERT_MESSAGE(log, log.find("/cloud-init/vm-1/<redacted>/user-data") != std::string::npos);
		CPPUNIT_ASSERT_MESSAGE(log, log.find("0123456789abcdef0123456789abcdef") == std::string::npos);
	}

	void metricsCountRequests()
	{
		TestServer server;
		HttpClient client = server.client();
		client.get("/healthz");
		client.get("/healthz");
		client.get("/missing");
		HttpResult result = client.get("/metrics");
		CPPUNIT_ASSERT_EQUAL(200, result.status);
		CPPUNIT_ASSERT(result.header("Content-Type").find("text/plain") == 0);
		const std::string healthz = "gpucloud_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2\n";
		CPPUNIT_ASSERT_MESSAGE(result.body, result.body.find(healthz) != std::string::npos);
		const std::string unmatched = "gpucloud_http_requests_total{method=\"*\",route=\"unmatched\",status=\"404\"} 1\n";
		CPPUNIT_ASSERT_MESSAGE(result.body, result.body.find(unmatched) != std::string::npos);
		CPPUNIT_ASSERT(result.body.find("gpucloud_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 2") != std::string::npos);
	}

	void metricsTokenRequired()
	{
		TestServer server("[metrics]\nbearer_token = scrape-secret\n");
		HttpClient client = server.client();
		CPPUNIT_ASSERT_EQUAL(401, client.get("/metrics").status);
		CPPUNIT_ASSERT_EQUAL(401, client.get("/metrics", {{"Authorization", "Bearer wrong-secret!"}}).status);
		CPPUNIT_ASSERT_EQUAL(200, client.get("/metrics", {{"Authorization", "Bearer scrape-secret"}}).status);
	}

	void stopFinishesInFlightRequest()
	{
		http::Router router;
		std::atomic<bool> entered{false};
		router.add("GET", "/slow", [&entered](http::Request&) {
			entered = true;
			std::this_thread::sleep_for(std::chrono::milliseconds(300));
			return http::Response::rawJson("{\"done\":true}");
		});
		auto dispatcher = std::make_shared<http::Dispatcher>(router, nullptr, nullptr);
		http::HttpServerSettings settings;
		settings.port = 0;
		http::HttpServer httpServer(settings, dispatcher);
		httpServer.start();

		int status = 0;
		std::string body;
		std::thread client([&] {
			HttpResult result = HttpClient(httpServer.port()).get("/slow");
			status = result.status;
			body = result.body;
		});
		auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
		while (!entered && std::chrono::steady_clock::now() < deadline)
			std::this_thread::sleep_for(std::chrono::milliseconds(5));
		CPPUNIT_ASSERT(entered);

		httpServer.stop(5000);
		client.join();
		CPPUNIT_ASSERT_EQUAL(200, status);
		CPPUNIT_ASSERT_EQUAL(std::string("{\"done\":true}"), body);
	}

	void sigtermStopsExecutable()
	{
		testing::TempDir directory;
		std::string ini = TestServer::defaultIni();
		ini.replace(ini.find("@DATA@"), 6, (directory.path() / "data").string());
		ini.replace(ini.find("@PLUGINS@"), 9, GPUCLOUD_PLUGIN_DIR);
		auto config = directory.writeFile("gpucloud.ini", ini);
		auto portFile = directory.path() / "port";

		Poco::Pipe errorPipe;
		Poco::ProcessHandle process = Poco::Process::launch(GPUCLOUD_BINARY_DIR "/bin/gpucloud-server",
			{"--config", config.string(), "--port", "0", "--port-file", portFile.string()}, nullptr, nullptr, &errorPipe);
		std::uint16_t port = waitForPortFile(portFile, 30);
		CPPUNIT_ASSERT(port != 0);
		CPPUNIT_ASSERT_EQUAL(200, HttpClient(port).get("/healthz").status);

		Poco::Process::requestTermination(process.id());
		int exitCode = process.wait();
		Poco::PipeInputStream errors(errorPipe);
		std::string log;
		Poco::StreamCopier::copyToString(errors, log);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(log, 0, exitCode);
		CPPUNIT_ASSERT_MESSAGE(log, log.find("Server stopped") != std::string::npos);
	}

	void badConfigurationStopsExecutable()
	{
		testing::TempDir directory;
		auto config = directory.writeFile("gpucloud.ini", "[server]\nprofile = development\nprot = 80\n");
		Poco::Pipe errorPipe;
		Poco::ProcessHandle process = Poco::Process::launch(GPUCLOUD_BINARY_DIR "/bin/gpucloud-server",
			{"--config", config.string()}, nullptr, nullptr, &errorPipe);
		Poco::PipeInputStream errors(errorPipe);
		std::string output;
		Poco::StreamCopier::copyToString(errors, output);
		int exitCode = process.wait();
		CPPUNIT_ASSERT(exitCode != 0);
		CPPUNIT_ASSERT_MESSAGE(output, output.find("'server.prot'") != std::string::npos);
	}

private:
	std::ostringstream _captured;
};

CPPUNIT_TEST_SUITE_REGISTRATION(ServerTest);
