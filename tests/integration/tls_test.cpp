#include <cppunit/extensions/HelperMacros.h>

#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Pipe.h>
#include <Poco/PipeStream.h>
#include <Poco/Process.h>
#include <Poco/StreamCopier.h>

#include "support/test_server.h"

using namespace gpucloud;

class TlsTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(TlsTest);
	CPPUNIT_TEST(servesHttps);
	CPPUNIT_TEST(certificateWithoutKeyRejected);
	CPPUNIT_TEST_SUITE_END();

public:
	void servesHttps()
	{
		testing::TempDir keys;
		std::string certificate = (keys.path() / "server.crt").string();
		std::string privateKey = (keys.path() / "server.key").string();
		// A throwaway self-signed certificate for 127.0.0.1, made for this test only.
		Poco::Pipe progress;
		Poco::ProcessHandle openssl = Poco::Process::launch("openssl", {"req", "-x509", "-newkey", "rsa:2048", "-nodes",
			"-keyout", privateKey, "-out", certificate, "-days", "1", "-subj", "/CN=127.0.0.1"}, nullptr, nullptr, &progress);
		Poco::PipeInputStream progressStream(progress);
		std::string progressText;
		Poco::StreamCopier::copyToString(progressStream, progressText);
		CPPUNIT_ASSERT_EQUAL_MESSAGE(progressText, 0, openssl.wait());

		testing::TestServer server("", testing::TestServer::withServerKeys("tls_certificate_file = " + certificate
				+ "\ntls_private_key_file = " + privateKey));

		Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", certificate,
			Poco::Net::Context::VERIFY_RELAXED);
		Poco::Net::HTTPSClientSession session("127.0.0.1", server.port(), context);
		Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/healthz", Poco::Net::HTTPMessage::HTTP_1_1);
		session.sendRequest(request);
		Poco::Net::HTTPResponse response;
		std::string body;
		Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
		CPPUNIT_ASSERT_EQUAL(200, static_cast<int>(response.getStatus()));
		CPPUNIT_ASSERT_EQUAL(std::string("{\"status\":\"ok\"}"), body);
	}

	void certificateWithoutKeyRejected()
	{
		CPPUNIT_ASSERT_THROW(testing::TestServer("", testing::TestServer::withServerKeys("tls_certificate_file = /x.crt")),
			config::ConfigError);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(TlsTest);
