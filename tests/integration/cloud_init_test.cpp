#include <crypt.h>

#include <cstring>

#include <cppunit/extensions/HelperMacros.h>

#include "cloudinit/user_data.h"
#include "db/database.h"
#include "support/test_server.h"

using namespace gpucloud;
using namespace Poco::Data::Keywords;

namespace
{

const std::string kSecret = "seed-secret-0123456789";

/// Inserts a user and a VM row so that a seed can refer to the VM.
void insertVm(db::Database& database, const std::string& vmId)
{
	database.transaction([&](Poco::Data::Session& session) {
		session << "INSERT INTO users (email, password_hash, created_at, updated_at) VALUES ('seed@example.com', 'x', 0, 0)", now;
		std::string id = vmId;
		session << "INSERT INTO vms (id, user_id, backend, node, template_vmid, gpu_type, gpu_count, storage_gb, ram_gb, "
				   "cpu_cores, rental_type, status, gpu_hourly_rate_micros, storage_hourly_rate_micros, created_at, "
				   "updated_at) SELECT $1, id, 'mock', 'vm01', 100, '5090', 1, 50, 16, 8, 'on_demand', 'creating', 1, 1, "
				   "0, 0 FROM users WHERE email = 'seed@example.com'",
			use(id), now;
	});
}

bool contains(const std::string& text, const std::string& part)
{
	return text.find(part) != std::string::npos;
}

} // namespace

class CloudInitTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(CloudInitTest);
	CPPUNIT_TEST(tokenMatchesRfc4231);
	CPPUNIT_TEST(passwordHashVerifies);
	CPPUNIT_TEST(userDataQuotesKeys);
	CPPUNIT_TEST(seedServedWithToken);
	CPPUNIT_TEST(badTokenIsNotFound);
	CPPUNIT_TEST(unknownVmIsNotFound);
	CPPUNIT_TEST(noSecretServesNothing);
	CPPUNIT_TEST(shortSecretRejected);
	CPPUNIT_TEST_SUITE_END();

public:
	void tokenMatchesRfc4231()
	{
		// RFC 4231 test case 2.
		CPPUNIT_ASSERT_EQUAL(std::string("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
			cloudinit::seedToken("Jefe", "what do ya want for nothing?"));
	}

	void passwordHashVerifies()
	{
		std::string hash = cloudinit::sha512Crypt("correct horse battery");
		CPPUNIT_ASSERT(hash.rfind("$6$", 0) == 0);
		crypt_data data;
		std::memset(&data, 0, sizeof(data));
		CPPUNIT_ASSERT_EQUAL(hash, std::string(crypt_r("correct horse battery", hash.c_str(), &data)));
		CPPUNIT_ASSERT(hash != cloudinit::sha512Crypt("correct horse battery"));
	}

	void userDataQuotesKeys()
	{
		cloudinit::SeedInput seed;
		seed.vmId = "vm-1";
		seed.hostname = "gpu-1";
		seed.sshPublicKeys = {"ssh-ed25519 AAAAC3Nza \"quoted\" comment"};
		std::string userData = cloudinit::buildUserData(seed);
		CPPUNIT_ASSERT(userData.rfind("#cloud-config\n", 0) == 0);
		CPPUNIT_ASSERT_MESSAGE(userData, contains(userData, "      - \"ssh-ed25519 AAAAC3Nza \\\"quoted\\\" comment\"\n"));
		CPPUNIT_ASSERT_MESSAGE(userData, contains(userData, "ssh_pwauth: false\n"));
		CPPUNIT_ASSERT(!contains(userData, "passwd:"));
	}

	void seedServedWithToken()
	{
		testing::TestServer server("[cloud_init]\nsecret = " + kSecret + "\n");
		app::ServerContext& context = server.core().context();
		insertVm(context.database, "vm-42");
		cloudinit::SeedInput seed;
		seed.vmId = "vm-42";
		seed.hostname = "gpu-42";
		seed.password = "plain-password-42";
		seed.sshPublicKeys = {"ssh-ed25519 AAAAkey user@host"};
		context.database.transaction([&](Poco::Data::Session& session) { context.cloudInit->save(session, seed); });

		std::string base = "/cloud-init/vm-42/" + cloudinit::seedToken(kSecret, "vm-42") + "/";
		testing::HttpResult metaData = server.client().get(base + "meta-data");
		CPPUNIT_ASSERT_EQUAL(200, metaData.status);
		CPPUNIT_ASSERT_MESSAGE(metaData.body, contains(metaData.body, "instance-id: \"vm-42\""));
		CPPUNIT_ASSERT_MESSAGE(metaData.body, contains(metaData.body, "local-hostname: \"gpu-42\""));

		testing::HttpResult userData = server.client().get(base + "user-data");
		CPPUNIT_ASSERT_EQUAL(200, userData.status);
		CPPUNIT_ASSERT_MESSAGE(userData.body, contains(userData.body, "ssh-ed25519 AAAAkey user@host"));
		CPPUNIT_ASSERT_MESSAGE(userData.body, contains(userData.body, "passwd: \"$6$"));
		CPPUNIT_ASSERT(!contains(userData.body, "plain-password-42"));

		CPPUNIT_ASSERT_EQUAL(200, server.client().get(base + "vendor-data").status);
	}

	void badTokenIsNotFound()
	{
		testing::TestServer server("[cloud_init]\nsecret = " + kSecret + "\n");
		insertVm(server.core().context().database, "vm-7");
		cloudinit::SeedInput seed;
		seed.vmId = "vm-7";
		seed.hostname = "gpu-7";
		server.core().context().database.transaction(
			[&](Poco::Data::Session& session) { server.core().context().cloudInit->save(session, seed); });
		std::string wrong = cloudinit::seedToken("another-secret-0123", "vm-7");
		CPPUNIT_ASSERT_EQUAL(404, server.client().get("/cloud-init/vm-7/" + wrong + "/user-data").status);
	}

	void unknownVmIsNotFound()
	{
		testing::TestServer server("[cloud_init]\nsecret = " + kSecret + "\n");
		std::string token = cloudinit::seedToken(kSecret, "vm-none");
		CPPUNIT_ASSERT_EQUAL(404, server.client().get("/cloud-init/vm-none/" + token + "/meta-data").status);
	}

	void noSecretServesNothing()
	{
		testing::TestServer server;
		std::string token = cloudinit::seedToken("", "vm-1");
		CPPUNIT_ASSERT_EQUAL(404, server.client().get("/cloud-init/vm-1/" + token + "/meta-data").status);
	}

	void shortSecretRejected()
	{
		CPPUNIT_ASSERT_THROW(testing::TestServer("[cloud_init]\nsecret = short\n"), config::ConfigError);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(CloudInitTest);
