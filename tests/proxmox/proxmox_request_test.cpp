// Golden tests of the pure parts of the proxmox plugin: request encoding, parsing of server data, error
// classification and configuration parsing.

#include <cppunit/extensions/HelperMacros.h>

#include <Poco/AutoPtr.h>
#include <Poco/Dynamic/Var.h>
#include <Poco/Util/IniFileConfiguration.h>

#include "api_error.h"
#include "guest_agent.h"
#include "json_fields.h"
#include "proxmox_settings.h"
#include "request_builder.h"
#include "vm_metadata.h"

using namespace gpucloud;
using namespace gpucloud::plugins::proxmox;

namespace
{

sdk::ConfigMap minimalConfig()
{
	return {{"plugin", "proxmox"}, {"api_url", "https://pve1.example.net:8006"}, {"token_id", "svc@pve!plugin"},
		{"token_secret", "s3cr3t-value"}, {"tls_insecure", "true"}};
}

std::string settingsError(const sdk::ConfigMap& config)
{
	try
	{
		parseSettings("pve", config);
	}
	catch (const sdk::BackendError& error)
	{
		CPPUNIT_ASSERT(error.kind() == sdk::ErrorKind::InvalidRequest);
		return error.what();
	}
	return "";
}

} // namespace

class ProxmoxRequestTest : public CppUnit::TestFixture
{
	CPPUNIT_TEST_SUITE(ProxmoxRequestTest);
	CPPUNIT_TEST(strictPercentEncoding);
	CPPUNIT_TEST(sshKeysDoubleEncodedInForm);
	CPPUNIT_TEST(sshKeysJoinedByNewline);
	CPPUNIT_TEST(hostpciEncodedInForm);
	CPPUNIT_TEST(cloneParamsGolden);
	CPPUNIT_TEST(configParamsGolden);
	CPPUNIT_TEST(configParamsWithPassword);
	CPPUNIT_TEST(resizeAndDestroyGolden);
	CPPUNIT_TEST(powerParamsGolden);
	CPPUNIT_TEST(upidParsing);
	CPPUNIT_TEST(dnsNames);
	CPPUNIT_TEST(diskSizes);
	CPPUNIT_TEST(netMacAndHostpci);
	CPPUNIT_TEST(errorClassification);
	CPPUNIT_TEST(transientErrors);
	CPPUNIT_TEST(lenientNumbers);
	CPPUNIT_TEST(metadataRoundTrip);
	CPPUNIT_TEST(guestAddresses);
	CPPUNIT_TEST(settingsParsed);
	CPPUNIT_TEST(settingsErrorsNameFullKey);
	CPPUNIT_TEST(settingsSecretFile);
	CPPUNIT_TEST(exampleConfigurationParses);
	CPPUNIT_TEST_SUITE_END();

public:
	void strictPercentEncoding()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("a%20b%2Bc%2F%3D%40%3A%3B%26%2C-_.~"), percentEncodeStrict("a b+c/=@:;&,-_.~"));
	}

	void sshKeysDoubleEncodedInForm()
	{
		std::string once = encodeSshKeys({"ssh-ed25519 AAAAC3Nza+b/c= ci@runner"});
		CPPUNIT_ASSERT_EQUAL(std::string("ssh-ed25519%20AAAAC3Nza%2Bb%2Fc%3D%20ci%40runner"), once);
		CPPUNIT_ASSERT_EQUAL(std::string("sshkeys=ssh-ed25519%2520AAAAC3Nza%252Bb%252Fc%253D%2520ci%2540runner"),
			formEncode({{"sshkeys", once}}));
	}

	void sshKeysJoinedByNewline()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("ssh-rsa%20AAAA%20a%0Assh-ed25519%20BBBB%20b"),
			encodeSshKeys({" ssh-rsa AAAA a\n", "", "ssh-ed25519 BBBB b"}));
	}

	void hostpciEncodedInForm()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("hostpci0=mapping%3Da40%2Cpcie%3D1"),
			formEncode({{"hostpci0", hostpciValue("a40")}}));
		CPPUNIT_ASSERT_EQUAL(std::string("a40"), mappingOfAddress("a40/0000:41:00.0"));
		CPPUNIT_ASSERT_EQUAL(std::string("a40"), mappingOfAddress("a40"));
	}

	void cloneParamsGolden()
	{
		CloneRequest request{104, "gpu-runner-104", "local-lvm", "ci", "gpucloud-vm-id: x\n"};
		CPPUNIT_ASSERT_EQUAL(
			std::string("newid=104&full=1&name=gpu-runner-104&storage=local-lvm&pool=ci&description=gpucloud-vm-id%3A%20x%0A"),
			formEncode(cloneParams(request)));
		CPPUNIT_ASSERT_EQUAL(std::string("newid=105&full=1"), formEncode(cloneParams(CloneRequest{105, "", "", "", ""})));
	}

	void configParamsGolden()
	{
		ConfigRequest request;
		request.cores = 8;
		request.memoryMb = 65536;
		request.gpuMappings = {"a40", "a40"};
		request.deleteKeys = {"hostpci2"};
		request.credentials.user = "ubuntu";
		request.credentials.sshPublicKeys = {"ssh-ed25519 AAAA+/= me@host"};
		request.ipConfig = "ip=dhcp";
		request.tags = "gpucloud";
		CPPUNIT_ASSERT_EQUAL(std::string("cores=8&memory=65536&machine=q35&agent=1"
										 "&hostpci0=mapping%3Da40%2Cpcie%3D1&hostpci1=mapping%3Da40%2Cpcie%3D1"
										 "&delete=hostpci2&ciuser=ubuntu"
										 "&sshkeys=ssh-ed25519%2520AAAA%252B%252F%253D%2520me%2540host"
										 "&ipconfig0=ip%3Ddhcp&tags=gpucloud"),
			formEncode(configParams(request)));
	}

	void configParamsWithPassword()
	{
		ConfigRequest request;
		request.credentials.user = "admin";
		request.credentials.password = "p&ss=w;rd";
		request.bridge = "vmbr1";
		CPPUNIT_ASSERT_EQUAL(std::string("cores=1&memory=1024&machine=q35&agent=1&net0=virtio%2Cbridge%3Dvmbr1"
										 "&ciuser=admin&cipassword=p%26ss%3Dw%3Brd"),
			formEncode(configParams(request)));
	}

	void resizeAndDestroyGolden()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("disk=scsi0&size=80G"), formEncode(resizeParams("scsi0", 80)));
		CPPUNIT_ASSERT_EQUAL(std::string("purge=1&destroy-unreferenced-disks=1"), formEncode(destroyQuery()));
		CPPUNIT_ASSERT_EQUAL(std::string("/nodes/pve2/qemu/104/status/start"), vmPath("pve2", 104, "/status/start"));
	}

	void powerParamsGolden()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("forceStop=1&timeout=30"), formEncode(shutdownParams(30)));
		CPPUNIT_ASSERT_EQUAL(std::string("overrule-shutdown=1"), formEncode(stopParams()));
	}

	void upidParsing()
	{
		auto upid = parseUpid("UPID:pve1:0004A3F2:0B1C2D3E:66F2A2C4:qmclone:9000:svc-gpu@pve!plugin:");
		CPPUNIT_ASSERT(upid.has_value());
		CPPUNIT_ASSERT_EQUAL(std::string("pve1"), upid->node);
		CPPUNIT_ASSERT_EQUAL(std::string("qmclone"), upid->type);
		CPPUNIT_ASSERT_EQUAL(std::string("9000"), upid->id);
		CPPUNIT_ASSERT_EQUAL(std::string("svc-gpu@pve!plugin"), upid->user);
		// pstart grows to 9 hex digits after about 497 days of uptime; the id may be empty.
		CPPUNIT_ASSERT(parseUpid("UPID:pve2:0004A3F2:1B1C2D3E0:66F2A2C4:vzdump::root@pam:").has_value());
		CPPUNIT_ASSERT(!parseUpid("UPID:pve1:0004A3F2:0B1C2D3E:66F2A2C4:qmclone:9000:user").has_value());
		CPPUNIT_ASSERT(!parseUpid("null").has_value());
		CPPUNIT_ASSERT(!parseUpid("UPID:pve1:XYZ:0B1C2D3E:66F2A2C4:qmclone:9000:u@pam:").has_value());
	}

	void dnsNames()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("gpu-runner-01"), dnsName("gpu_runner 01!", "x"));
		CPPUNIT_ASSERT_EQUAL(std::string("fallback-1"), dnsName("___", "fallback-1"));
		CPPUNIT_ASSERT_EQUAL(std::size_t(63), dnsName(std::string(100, 'a'), "x").size());
	}

	void diskSizes()
	{
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(32), parseDiskSizeGb("local-lvm:vm-104-disk-0,size=32G"));
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(1), parseDiskSizeGb("local:vm-1-disk-0,iothread=1,size=512M"));
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(1024), parseDiskSizeGb("ceph:vm-1-disk-0,size=1T"));
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(0), parseDiskSizeGb("local:iso/x.iso,media=cdrom"));
	}

	void netMacAndHostpci()
	{
		CPPUNIT_ASSERT_EQUAL(std::string("BC:24:11:5E:7A:01"), parseNetMac("virtio=bc:24:11:5e:7a:01,bridge=vmbr0"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), parseNetMac("virtio,bridge=vmbr0"));
		CPPUNIT_ASSERT_EQUAL(std::string("a40"), parseHostpciMapping("mapping=a40,pcie=1"));
		CPPUNIT_ASSERT_EQUAL(std::string(""), parseHostpciMapping("0000:41:00.0,pcie=1"));
	}

	void errorClassification()
	{
		using sdk::ErrorKind;
		struct Case
		{
			int status;
			const char* text;
			ErrorKind kind;
		};
		const Case cases[] = {
			{500, "Configuration file 'nodes/pve1/qemu-server/117.conf' does not exist", ErrorKind::NotFound},
			{500, "unable to find configuration file for VM 9000 on node 'pve2'", ErrorKind::NotFound},
			{500, "can't lock file '/var/lock/qemu-server/lock-104.conf' - got timeout", ErrorKind::Conflict},
			{500, "VM is locked (clone)", ErrorKind::Conflict},
			{500, "unable to create VM 104: config file already exists", ErrorKind::Conflict},
			{-1, "could not find a free device for 'hostpci0'", ErrorKind::CapacityExhausted},
			{-1, "PCI device '0000:41:00.0' already in use by VMID '103'", ErrorKind::CapacityExhausted},
			{500, "only root can set 'hostpci0' config for non-mapped devices", ErrorKind::InvalidRequest},
			{-1, "shrinking disks is not supported", ErrorKind::InvalidRequest},
			{500, "cluster not ready - no quorum?", ErrorKind::Unavailable},
			{595, "No route to host", ErrorKind::Unavailable},
			{596, "Connection timed out", ErrorKind::Unavailable},
			{0, "connection refused", ErrorKind::Unavailable},
			{401, "invalid token value!", ErrorKind::Fatal},
			{403, "Permission check failed (/vms/104, VM.Allocate)", ErrorKind::Fatal},
			{400, "Parameter verification failed. (sshkeys: invalid format)", ErrorKind::InvalidRequest},
			{501, "Method 'GET /nodes/x/bogus' not implemented", ErrorKind::Fatal},
			{500, "something unexpected", ErrorKind::Fatal},
		};
		for (const Case& c : cases)
			CPPUNIT_ASSERT_EQUAL_MESSAGE(c.text, static_cast<int>(c.kind), static_cast<int>(classifyProxmoxError(c.status, c.text)));
	}

	void transientErrors()
	{
		auto error = [](int status, const std::string& text) {
			return ApiError(classifyProxmoxError(status, text), status, "POST /x", text, false);
		};
		CPPUNIT_ASSERT(error(500, "can't lock file '/var/lock/qemu-server/lock-1.conf' - got timeout").isTransient());
		CPPUNIT_ASSERT(error(596, "Connection timed out").isTransient());
		CPPUNIT_ASSERT(!error(500, "VM 104 not running").isTransient());
		CPPUNIT_ASSERT(!ApiError(sdk::ErrorKind::Unavailable, ApiError::kTaskDeadline, "UPID", "still running", false)
							.isTransient());
		CPPUNIT_ASSERT(error(-1, "close (rename) atomic file '/etc/pve/nodes/pve1/qemu-server/101.conf' failed: File exists")
						   .isVmidTaken());
	}

	void lenientNumbers()
	{
		CPPUNIT_ASSERT_EQUAL(std::int64_t(104), lenientInt(Poco::Dynamic::Var(std::string("104"))));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(104), lenientInt(Poco::Dynamic::Var(104)));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), lenientInt(Poco::Dynamic::Var(std::string("x")), -1));
		CPPUNIT_ASSERT_EQUAL(std::int64_t(-1), lenientInt(Poco::Dynamic::Var(), -1));
	}

	void metadataRoundTrip()
	{
		VmMetadata metadata{"3f2a0c1e-1111-2222-3333-444455556666", {"a40/0000:41:00.0", "a40/0000:c1:00.0"}};
		VmMetadata parsed = parseDescription("Operator note\n" + buildDescription(metadata));
		CPPUNIT_ASSERT_EQUAL(metadata.vmId, parsed.vmId);
		CPPUNIT_ASSERT(metadata.gpuAddresses == parsed.gpuAddresses);
		CPPUNIT_ASSERT(hasManagedTag("ci;gpucloud"));
		CPPUNIT_ASSERT(hasManagedTag("gpucloud"));
		CPPUNIT_ASSERT(!hasManagedTag("gpucloud-old;ci"));
	}

	void guestAddresses()
	{
		CPPUNIT_ASSERT(!isUsableAddress("127.0.0.1"));
		CPPUNIT_ASSERT(!isUsableAddress("::1"));
		CPPUNIT_ASSERT(!isUsableAddress("fe80::be24:11ff:fe5e:7a01"));
		CPPUNIT_ASSERT(!isUsableAddress("169.254.3.4"));
		CPPUNIT_ASSERT(isRoutableAddress("10.20.0.57"));
		CPPUNIT_ASSERT(isRoutableAddress("2001:db8::5"));
		CPPUNIT_ASSERT(isUsableAddress("fd00::5"));
		CPPUNIT_ASSERT(!isRoutableAddress("fd00::5"));
	}

	void settingsParsed()
	{
		sdk::ConfigMap config = minimalConfig();
		config["api_url"] = "https://10.0.0.5:8006/api2/json/";
		config["template.9000"] = "pve1:9000, pve2:9100";
		config["poll_interval"] = "250ms";
		config["clone_timeout"] = "30m";
		config["task_timeout"] = "90";
		config["nodes"] = "pve1,pve2";
		ProxmoxSettings settings = parseSettings("pve", config);
		CPPUNIT_ASSERT_EQUAL(std::string("10.0.0.5"), settings.host);
		CPPUNIT_ASSERT_EQUAL(std::uint16_t(8006), settings.port);
		CPPUNIT_ASSERT(settings.tlsMode == TlsMode::Insecure);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), settings.templates.at(9000).size());
		CPPUNIT_ASSERT_EQUAL(std::int64_t(9100), settings.templates.at(9000)[1].proxmoxVmid);
		CPPUNIT_ASSERT_EQUAL(250LL, static_cast<long long>(settings.pollInterval.count()));
		CPPUNIT_ASSERT_EQUAL(1800000LL, static_cast<long long>(settings.cloneTimeout.count()));
		CPPUNIT_ASSERT_EQUAL(90000LL, static_cast<long long>(settings.taskTimeout.count()));
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), settings.nodes.size());
	}

	void settingsErrorsNameFullKey()
	{
		sdk::ConfigMap missing = minimalConfig();
		missing.erase("api_url");
		CPPUNIT_ASSERT(settingsError(missing).find("'backends.pve.api_url' is missing") != std::string::npos);

		sdk::ConfigMap unknown = minimalConfig();
		unknown["tls_verify"] = "yes";
		CPPUNIT_ASSERT(settingsError(unknown).find("'backends.pve.tls_verify' is unknown") != std::string::npos);

		sdk::ConfigMap badPin = minimalConfig();
		badPin.erase("tls_insecure");
		badPin["tls_fingerprint"] = "AB:CD";
		CPPUNIT_ASSERT(settingsError(badPin).find("backends.pve.tls_fingerprint") != std::string::npos);

		sdk::ConfigMap twoModes = minimalConfig();
		twoModes["tls_fingerprint"] = std::string(64, 'a');
		CPPUNIT_ASSERT(settingsError(twoModes).find("backends.pve.tls_ca_file") != std::string::npos);

		sdk::ConfigMap badToken = minimalConfig();
		badToken["token_id"] = "svc-plugin";
		CPPUNIT_ASSERT(settingsError(badToken).find("backends.pve.token_id") != std::string::npos);

		sdk::ConfigMap badTemplate = minimalConfig();
		badTemplate["template.9000"] = "pve1";
		CPPUNIT_ASSERT(settingsError(badTemplate).find("backends.pve.template.9000") != std::string::npos);

		sdk::ConfigMap badDuration = minimalConfig();
		badDuration["poll_interval"] = "5h";
		CPPUNIT_ASSERT(settingsError(badDuration).find("backends.pve.poll_interval") != std::string::npos);

		sdk::ConfigMap plainHttp = minimalConfig();
		plainHttp["api_url"] = "http://pve1:8006";
		CPPUNIT_ASSERT(settingsError(plainHttp).find("backends.pve.api_url") != std::string::npos);

		sdk::ConfigMap badGpu = minimalConfig();
		badGpu["gpu.a40.colour"] = "green";
		CPPUNIT_ASSERT(settingsError(badGpu).find("backends.pve.gpu.a40.colour") != std::string::npos);
	}

	void settingsSecretFile()
	{
		sdk::ConfigMap both = minimalConfig();
		both["token_secret_file"] = "/nonexistent";
		std::string message = settingsError(both);
		CPPUNIT_ASSERT(message.find("backends.pve.token_secret") != std::string::npos);
		CPPUNIT_ASSERT(message.find("s3cr3t-value") == std::string::npos);

		sdk::ConfigMap unreadable = minimalConfig();
		unreadable.erase("token_secret");
		unreadable["token_secret_file"] = "/nonexistent/secret";
		CPPUNIT_ASSERT(settingsError(unreadable).find("backends.pve.token_secret_file") != std::string::npos);
	}

	void exampleConfigurationParses()
	{
		Poco::AutoPtr<Poco::Util::IniFileConfiguration> ini
			= new Poco::Util::IniFileConfiguration(std::string(GPUCLOUD_SOURCE_DIR) + "/config/examples/proxmox.ini");
		sdk::ConfigMap config;
		Poco::Util::AbstractConfiguration::Keys keys;
		ini->keys("backends.pve1", keys);
		for (const std::string& key : keys)
		{
			// gpu.a40.type and template.9000 are nested in Poco's view of the file.
			Poco::Util::AbstractConfiguration::Keys nested;
			ini->keys("backends.pve1." + key, nested);
			if (nested.empty())
				config[key] = ini->getString("backends.pve1." + key);
			for (const std::string& child : nested)
			{
				Poco::Util::AbstractConfiguration::Keys leaves;
				ini->keys("backends.pve1." + key + "." + child, leaves);
				if (leaves.empty())
					config[key + "." + child] = ini->getString("backends.pve1." + key + "." + child);
				for (const std::string& leaf : leaves)
					config[key + "." + child + "." + leaf] = ini->getString("backends.pve1." + key + "." + child + "." + leaf);
			}
		}
		// The example reads the secret from a file that exists only on a real server.
		config.erase("token_secret_file");
		config["token_secret"] = "example";
		ProxmoxSettings settings = parseSettings("pve1", config);
		CPPUNIT_ASSERT(settings.tlsMode == TlsMode::Fingerprint);
		CPPUNIT_ASSERT_EQUAL(std::size_t(2), settings.templates.size());
		CPPUNIT_ASSERT_EQUAL(std::uint64_t(46068), settings.gpuTypes.at("a40").vramMb);
		CPPUNIT_ASSERT_EQUAL(std::string("5090"), settings.gpuTypes.at("rtx5090").type);
	}
};

CPPUNIT_TEST_SUITE_REGISTRATION(ProxmoxRequestTest);
