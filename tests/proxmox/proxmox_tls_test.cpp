// Certificate checks of the proxmox plugin (fingerprint pin, CA file, insecure) and secrets kept out of logs and
// error messages.

#include <filesystem>
#include <fstream>

#include <cppunit/extensions/HelperMacros.h>

#include "proxmox_test_support.h"
#include "tls_material.h"

using namespace gpucloud;
using namespace gpucloud::testing::proxmox;

namespace
{

bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}

/// A folder under /tmp removed with its contents at the end of the scope.
struct TemporaryFolder
{
	TemporaryFolder()
	{
		std::string pattern = (std::filesystem::temp_directory_path() / "pve-tls-test-XXXXXX").string();
		path = ::mkdtemp(pattern.data());
	}
	~TemporaryFolder()
	{
		std::error_code ignored;
		std::filesystem::remove_all(path, ignored);
	}
	std::string path;
};

} // namespace

class ProxmoxTlsTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProxmoxTlsTest);
	CPPUNIT_TEST(pinnedFingerprintAccepted);
	CPPUNIT_TEST(wrongPinRejected);
	CPPUNIT_TEST(caFileAccepted);
	CPPUNIT_TEST(wrongCaRejected);
	CPPUNIT_TEST(systemCaRejectsSelfSigned);
	CPPUNIT_TEST(insecureAccepted);
	CPPUNIT_TEST(secretFileRead);
	CPPUNIT_TEST(secretsNeverLogged);
	CPPUNIT_TEST_SUITE_END();

public:
	void pinnedFingerprintAccepted()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backend->listNodes().size());
	}

	void wrongPinRejected()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		std::string wrong(95, 'A');
		for (std::size_t i = 2; i < wrong.size(); i += 3)
			wrong[i] = ':';
		auto backend = makeBackend(server, host, {{"tls_fingerprint", wrong}});
		sdk::BackendError error = expectBackendError([&] { backend->listNodes(); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Fatal);
		CPPUNIT_ASSERT(contains(error.what(), "does not match the pinned fingerprint"));
		CPPUNIT_ASSERT(contains(error.what(), server.tls().serverFingerprint));
		// The handshake failed before any request, so the token never reached the server.
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), server.requests().size());
	}

	void caFileAccepted()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host, {{"tls_fingerprint", ""}, {"tls_ca_file", server.tls().caCertificateFile}});
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backend->listNodes().size());
	}

	void wrongCaRejected()
	{
		FakeProxmoxServer server(fastOptions());
		TemporaryFolder folder;
		TlsMaterial other = TlsMaterial::generate(folder.path, "elsewhere");
		RecordingHost host;
		auto backend = makeBackend(server, host, {{"tls_fingerprint", ""}, {"tls_ca_file", other.caCertificateFile}});
		sdk::BackendError error = expectBackendError([&] { backend->listNodes(); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Fatal);
		CPPUNIT_ASSERT(contains(error.what(), "TLS connection"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), server.requests().size());
	}

	void systemCaRejectsSelfSigned()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host, {{"tls_fingerprint", ""}});
		sdk::BackendError error = expectBackendError([&] { backend->listNodes(); });
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::Fatal);
		CPPUNIT_ASSERT_EQUAL(std::size_t(0), server.requests().size());
	}

	void insecureAccepted()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		auto backend = makeBackend(server, host, {{"tls_fingerprint", ""}, {"tls_insecure", "true"}});
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backend->listNodes().size());
	}

	void secretFileRead()
	{
		FakeProxmoxServer server(fastOptions());
		TemporaryFolder folder;
		std::string path = folder.path + "/token";
		std::ofstream(path) << server.token().secret << "\n";
		RecordingHost host;
		auto backend = makeBackend(server, host, {{"token_secret", ""}, {"token_secret_file", path}});
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), backend->listNodes().size());
	}

	void secretsNeverLogged()
	{
		FakeProxmoxServer server(fastOptions());
		RecordingHost host;
		const std::string secret = server.token().secret;
		const std::string password = "Sup3r-Secret-Pw";
		std::vector<std::string> messages;
		{
			auto backend = makeBackend(server, host);
			sdk::VmSpec spec = makeSpec("55555555-aaaa-4bbb-8ccc-000000000001", "pve1", {"a40/0000:41:00.0"});
			spec.credentials.password = password;
			sdk::VmRef ref{spec.vmId, "pve1", backend->createVm(spec).backendId, {}};
			server.cluster().warnNextTask("qmstart", 1);
			backend->startVm(ref);
			backend->getVmStatus(ref);
			backend->listNodes();
			server.addFault(FakeHttpFault{"POST", "/status/reboot", 500, "can't lock file 'x' - got timeout", 1});
			backend->rebootVm(ref);
			backend->destroyVm(ref);
			server.cluster().setNodeState("pve2", FakeNodeState::Slow);
			messages.push_back(expectBackendError([&] { backend->getVmStatus(sdk::VmRef{"x", "pve2", "777", {}}); }).what());
		}
		auto wrongSecret = makeBackend(server, host, {{"token_secret", secret + "-x"}});
		messages.push_back(expectBackendError([&] { wrongSecret->listNodes(); }).what());

		std::vector<std::string> lines = host.lines();
		CPPUNIT_ASSERT(lines.size() > 20);
		for (const std::string& line : lines)
		{
			CPPUNIT_ASSERT_MESSAGE(line, !contains(line, secret));
			CPPUNIT_ASSERT_MESSAGE(line, !contains(line, password));
			CPPUNIT_ASSERT_MESSAGE(line, !contains(line, "PVEAPIToken"));
		}
		for (const std::string& message : messages)
		{
			CPPUNIT_ASSERT_MESSAGE(message, !contains(message, secret));
			CPPUNIT_ASSERT_MESSAGE(message, !contains(message, "PVEAPIToken"));
		}
		for (const RecordedRequest& request : server.requests())
			CPPUNIT_ASSERT(!contains(request.target, secret));
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxmoxTlsTest);
