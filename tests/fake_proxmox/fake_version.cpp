#include "fake_options.h"

#include <cstdio>

namespace gpucloud::testing::proxmox
{

FakeVersion FakeVersion::of(const std::string& version)
{
	FakeVersion result;
	result.version = version;
	int major = 0;
	int minor = 0;
	int patch = 0;
	std::sscanf(version.c_str(), "%d.%d.%d", &major, &minor, &patch);
	result.major = major;
	result.resizeReturnsTask = major >= 8;
	// pve-http-server 5.2.0 shipped with the 8.3 point releases.
	result.messageInErrorBody = major > 8 || (major == 8 && minor >= 3);
	result.unifiedAuthFailure = major > 9 || (major == 9 && (minor > 1 || (minor == 1 && patch >= 5)));
	result.agentPrivilege = major >= 9 ? "VM.GuestAgent.Audit" : "VM.Monitor";
	return result;
}

} // namespace gpucloud::testing::proxmox
