#pragma once

#include <chrono>
#include <deque>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include <Poco/Dynamic/Var.h>
#include <Poco/JSON/Object.h>

#include "fake_error.h"
#include "fake_options.h"
#include "form_decoder.h"

namespace gpucloud::testing::proxmox
{

using Clock = std::chrono::steady_clock;

/// Who sent a request: a token (user@realm!name) or a ticket user (user@realm).
struct Principal
{
	std::string authId;
	std::string user;
	std::string tokenName;
	std::set<std::string> privileges;  ///< empty: every privilege

	bool isRootPam() const { return authId == "root@pam"; }
};

/// One decoded API request, path relative to /api2/json.
struct FakeRequest
{
	std::string method;
	std::string path;
	ParamMap params;
	Principal principal;
};

struct FakeVm
{
	std::int64_t vmid = 0;
	std::string node;
	std::map<std::string, std::string> config;
	std::map<std::string, std::string> pending;  ///< changes waiting for the next start (running VMs only)
	bool running = false;
	Clock::time_point startedAt;
	std::uint32_t pid = 0;
	Clock::time_point createdAt;
	Clock::time_point flockUntil;  ///< the per-VM flock is held by a task until then
	std::vector<std::string> assignedDevices;  ///< PCI paths reserved while running
	std::string shownStatus;  ///< what /cluster/resources shows, updated resourcesLag after a change
	Clock::time_point statusChangedAt;
};

struct FakeTask
{
	std::string upid;
	std::string node;
	std::string type;
	std::string id;
	std::string authId;
	std::int64_t startTime = 0;
	std::uint32_t pid = 0;
	std::uint32_t pstart = 0;
	Clock::time_point endsAt;
	bool finished = false;
	std::string exitStatus;
	std::vector<std::string> log;
	std::string injectedFailure;  ///< a scripted exit status replacing the real outcome
	int injectedWarnings = 0;
	std::function<std::string(FakeTask&)> complete;  ///< runs once at endsAt and returns the exit status
};

enum class FakeNodeState
{
	Online,
	Offline,  ///< proxied calls fail with 595 No route to host
	Slow,     ///< proxied calls fail with 596 Connection timed out
};

/// The state of a fake Proxmox VE cluster and the API handlers that change it. Time advances lazily: each request
/// first completes every task whose end time has passed. Thread-safe.
class FakeCluster
{
public:
	FakeCluster(FakeProxmoxOptions options, std::string serverFingerprint);

	/// Handles one authenticated request and returns the `data` member of the reply. Throws FakeError.
	Poco::Dynamic::Var handle(const FakeRequest& request);

	/// Authenticates from the Authorization, Cookie and CSRFPreventionToken headers. Throws FakeError(401).
	Principal authenticate(const std::string& authorization, const std::string& cookie, const std::string& csrfToken,
		const std::string& method);

	/// POST /access/ticket, which needs no authentication.
	Poco::Dynamic::Var createTicket(const ParamMap& params);

	const FakeProxmoxOptions& options() const { return _options; }

	// Scripted faults.

	/// The next task of `type` (qmclone, qmstart, ...) ends with `exitStatus` instead of its real outcome. A failed
	/// clone leaves no VM behind, as in Proxmox.
	void failNextTask(const std::string& type, const std::string& exitStatus);
	/// The next task of `type` that succeeds ends with "WARNINGS: <count>" and as many WARN lines in its log.
	void warnNextTask(const std::string& type, int count);
	/// Another writer (a backup, a long shutdown) holds the VM's flock for `duration`.
	void holdLock(std::int64_t vmid, std::chrono::milliseconds duration);
	/// Sets or clears (empty) the `lock` field of a VM's config.
	void setLockField(std::int64_t vmid, const std::string& lock);
	void setNodeState(const std::string& node, FakeNodeState state);
	/// Right after the next GET /cluster/nextid, another client creates a VM with the returned id, on `node`.
	void stealNextId(const std::string& node);
	/// Creates a stopped VM that no plugin owns.
	void createForeignVm(std::int64_t vmid, const std::string& node, const std::string& name);

	// Inspection.

	bool hasVm(std::int64_t vmid);
	std::map<std::string, std::string> vmConfig(std::int64_t vmid);
	bool isRunning(std::int64_t vmid);
	std::vector<std::int64_t> vmids();
	int finishedTasks(const std::string& type);
	int maxParallelClones();

private:
	struct FlockBusy
	{
		std::int64_t vmid;
		Clock::time_point until;
	};

	Poco::Dynamic::Var route(const FakeRequest& request);
	void advance();
	void finishTask(FakeTask& task);
	FakeTask& startTask(const std::string& node, const std::string& type, const std::string& id,
		const Principal& principal, std::chrono::milliseconds duration, std::function<std::string(FakeTask&)> complete,
		FakeVm* lockedVm);
	static std::string lockTimeoutText(std::int64_t vmid);

	// Helpers shared by the handlers.
	void requireNode(const std::string& node);
	FakeVm& requireVm(const std::string& node, const std::string& vmidText);
	FakeVm* findVm(std::int64_t vmid);
	void requirePrivilege(const Principal& principal, const std::string& path, const std::string& privilege);
	void requireFlock(const FakeVm& vm);
	void setRunning(FakeVm& vm, bool running);
	std::string shownStatus(FakeVm& vm);
	std::int64_t lowestFreeVmid();
	std::string newMac();

	// Handlers: fake_cluster_info.cpp
	Poco::Dynamic::Var getVersion();
	Poco::Dynamic::Var listNodes(const FakeRequest& request);
	Poco::Dynamic::Var nodeStatus(const std::string& node);
	Poco::Dynamic::Var listPci(const FakeRequest& request, const std::string& node);
	Poco::Dynamic::Var clusterResources(const FakeRequest& request);
	Poco::Dynamic::Var nextId(const FakeRequest& request);
	Poco::Dynamic::Var listMappings(const FakeRequest& request, const std::string& id);
	Poco::Dynamic::Var taskStatus(const FakeRequest& request, const std::string& node, const std::string& upid);
	Poco::Dynamic::Var taskLog(const std::string& node, const std::string& upid);
	Poco::Dynamic::Var listTasks(const FakeRequest& request, const std::string& node);

	// Handlers: fake_cluster_qemu.cpp
	Poco::Dynamic::Var listQemu(const std::string& node);
	Poco::Dynamic::Var cloneVm(const FakeRequest& request, const std::string& node, const std::string& vmid);
	Poco::Dynamic::Var getConfig(const FakeRequest& request, const std::string& node, const std::string& vmid);
	Poco::Dynamic::Var updateConfig(const FakeRequest& request, const std::string& node, const std::string& vmid);
	Poco::Dynamic::Var resizeDisk(const FakeRequest& request, const std::string& node, const std::string& vmid);
	Poco::Dynamic::Var destroyVm(const FakeRequest& request, const std::string& node, const std::string& vmid);

	// Handlers: fake_cluster_power.cpp
	Poco::Dynamic::Var currentStatus(const FakeRequest& request, const std::string& node, const std::string& vmid);
	Poco::Dynamic::Var powerAction(const FakeRequest& request, const std::string& node, const std::string& vmid,
		const std::string& action);
	Poco::Dynamic::Var agentInterfaces(const FakeRequest& request, const std::string& node, const std::string& vmid);
	std::string startVmNow(FakeVm& vm);
	void stopVmNow(FakeVm& vm);

	std::mutex _mutex;
	FakeProxmoxOptions _options;
	std::string _fingerprint;
	std::map<std::string, FakeNodeState> _nodeStates;
	std::map<std::int64_t, FakeVm> _vms;
	std::deque<FakeTask> _tasks;
	std::map<std::string, std::vector<std::string>> _taskFailures;  ///< type -> queued exit statuses
	std::map<std::string, std::vector<int>> _taskWarnings;          ///< type -> queued warning counts
	std::vector<std::string> _nextIdThieves;                        ///< nodes of queued foreign VMs
	std::uint32_t _nextPid = 0x4A3F2;
	std::uint32_t _macCounter = 1;
	std::string _ticketKey;
	int _clonesRunning = 0;
	int _maxClonesRunning = 0;
	std::map<std::string, int> _clonesPerStorage;
};

/// Validates and normalizes configuration parameters: fake_config_schema.cpp.
namespace schema
{

/// Throws FakeError(400) for a parameter that qemu-server's config schema does not define.
void requireKnownConfigKeys(const ParamMap& params, const std::set<std::string>& extra);

/// Returns the single value of a parameter; throws 400 when it was sent more than once.
std::string single(const ParamMap& params, const std::string& key);

/// Checks a top-level boolean parameter: only "1" and "0" pass.
bool boolean(const ParamMap& params, const std::string& key, bool fallback);

/// Checks one config key and value; returns the value to store. Throws FakeError.
std::string validateConfigValue(const std::string& key, const std::string& value, const Principal& principal);

/// Returns the privilege that changing `key` needs.
std::string configPrivilege(const std::string& key);

/// Parses a property string "a=1,b=2" with `defaultKey` for a leading bare value.
std::map<std::string, std::string> parseProperties(const std::string& value, const std::string& defaultKey);

bool isDnsName(const std::string& name);

} // namespace schema

} // namespace gpucloud::testing::proxmox
