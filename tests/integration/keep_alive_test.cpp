#include <chrono>
#include <memory>
#include <string>

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include "http/dispatcher.h"
#include "http/http_server.h"
#include "http/router.h"

using namespace gpucloud;

namespace
{

/// Reads from `socket` until the peer closes it or `limit` bytes arrived; returns what was read.
std::string readUntilClosed(Poco::Net::StreamSocket& socket, std::size_t limit = 65536)
{
	std::string received;
	char buffer[4096];
	while (received.size() < limit)
	{
		int count = socket.receiveBytes(buffer, sizeof(buffer));
		if (count <= 0)
			break;
		received.append(buffer, static_cast<std::size_t>(count));
	}
	return received;
}

} // namespace

class KeepAliveTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(KeepAliveTest);
	CPPUNIT_TEST(malformedRequestGets400AndClose);
	CPPUNIT_TEST(pipelinedRequestsAllAnswered);
	CPPUNIT_TEST(connectionCloseHonoured);
	CPPUNIT_TEST(stopClosesIdleConnectionAtOnce);
	CPPUNIT_TEST_SUITE_END();

public:
	void setUp() override
	{
		_router = std::make_unique<http::Router>();
		_router->add("GET", "/ping", [](http::Request&) { return http::Response::rawJson("{\"pong\":true}"); });
		http::HttpServerSettings settings;
		settings.port = 0;
		settings.keepAliveTimeoutSeconds = 30;
		_server = std::make_unique<http::HttpServer>(settings, std::make_shared<http::Dispatcher>(*_router, nullptr, nullptr));
		_server->start();
	}

	void tearDown() override
	{
		_server->stop(1000);
	}

	void malformedRequestGets400AndClose()
	{
		Poco::Net::StreamSocket socket = connect();
		// Poco rejects a method longer than 32 characters.
		send(socket, std::string(64, 'A') + " /ping HTTP/1.1\r\n\r\n");
		std::string received = readUntilClosed(socket);
		CPPUNIT_ASSERT_EQUAL(std::string("HTTP/1.1 400"), received.substr(0, 12));
	}

	void pipelinedRequestsAllAnswered()
	{
		Poco::Net::StreamSocket socket = connect();
		send(socket, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\nGET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
		std::string received = readUntilClosed(socket);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), countOf(received, "{\"pong\":true}"));
	}

	void connectionCloseHonoured()
	{
		Poco::Net::StreamSocket socket = connect();
		send(socket, "GET /ping HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
		std::string received = readUntilClosed(socket);
		CPPUNIT_ASSERT_EQUAL(std::size_t(1), countOf(received, "{\"pong\":true}"));
	}

	void stopClosesIdleConnectionAtOnce()
	{
		Poco::Net::StreamSocket socket = connect();
		send(socket, "GET /ping HTTP/1.1\r\nHost: x\r\n\r\n");
		char buffer[4096];
		CPPUNIT_ASSERT(socket.receiveBytes(buffer, sizeof(buffer)) > 0);

		auto started = std::chrono::steady_clock::now();
		_server->stop(10000);
		auto elapsed = std::chrono::steady_clock::now() - started;
		CPPUNIT_ASSERT(elapsed < std::chrono::seconds(5));
		CPPUNIT_ASSERT_EQUAL(std::string(), readUntilClosed(socket));
	}

private:
	Poco::Net::StreamSocket connect()
	{
		Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", _server->port()));
		socket.setReceiveTimeout(Poco::Timespan(10, 0));
		return socket;
	}

	static void send(Poco::Net::StreamSocket& socket, const std::string& text)
	{
		socket.sendBytes(text.data(), static_cast<int>(text.size()));
	}

	static std::size_t countOf(const std::string& text, const std::string& part)
	{
		std::size_t count = 0;
		for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + part.size()))
			++count;
		return count;
	}

	std::unique_ptr<http::Router> _router;
	std::unique_ptr<http::HttpServer> _server;
};

CPPUNIT_TEST_SUITE_REGISTRATION(KeepAliveTest);
