#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <Poco/Data/Session.h>

#include "vms/vm_record.h"

namespace gpucloud::vms
{

/// Filter of VmRepository::list().
struct VmListFilter
{
	std::optional<std::int64_t> userId;
	std::optional<VmState> status;
	bool includeDestroyed = false;
	std::int64_t limit = 50;
	std::int64_t offset = 0;
};

/// SQL access to `vms`, `vm_status_history` and `gpu_allocations`. Every function works on the caller's session, so
/// that the caller decides which statements share a transaction.
namespace repository
{

/// Inserts the VM row and its first `vm_status_history` row.
void insert(Poco::Data::Session& session, const VmRecord& vm);

std::optional<VmRecord> find(Poco::Data::Session& session, const std::string& vmId);

/// Returns the VM when it exists and belongs to `userId`.
std::optional<VmRecord> findOwned(Poco::Data::Session& session, const std::string& vmId, std::int64_t userId);

/// Returns one page, newest first, and stores the total number of matching rows in `total`.
std::vector<VmRecord> list(Poco::Data::Session& session, const VmListFilter& filter, std::int64_t& total);

/// Returns every VM in one of `states`.
std::vector<VmRecord> listInStates(Poco::Data::Session& session, const std::vector<VmState>& states);

/// Counts the user's VMs that are neither destroyed nor failed, for `max_vms`.
std::int64_t countActive(Poco::Data::Session& session, std::int64_t userId);

/// Moves the VM from one of `from` to `to`, records `reason` as status_reason (null when empty) and writes a
/// `vm_status_history` row. Sets started_at when entering running, stopped_at when entering stopped or
/// interrupted, destroyed_at when entering destroyed. Returns false, changing nothing, when the VM is in none of
/// `from`: another request or job changed it first.
bool transition(Poco::Data::Session& session, const std::string& vmId, const std::vector<VmState>& from, VmState to,
	const std::string& reason, std::int64_t when);

/// Sets status_reason without changing the status; an empty reason clears it.
void setStatusReason(Poco::Data::Session& session, const std::string& vmId, const std::string& reason,
	std::int64_t when);

void setIpAddress(Poco::Data::Session& session, const std::string& vmId, const std::optional<std::string>& ip,
	std::int64_t when);

/// Records what the backend's createVm() returned.
void setBackendRef(Poco::Data::Session& session, const std::string& vmId, const std::string& backendRef,
	std::int64_t vmid, std::int64_t when);

/// Records the GPUs chosen for a new VM and its reservation.
void setPlacement(Poco::Data::Session& session, const std::string& vmId, const std::vector<std::string>& addresses,
	const std::string& reservationId);

/// Records the GPUs a starting VM got.
void setGpuAddresses(Poco::Data::Session& session, const std::string& vmId, const std::vector<std::string>& addresses);

/// Returns the VM number from `vmid_sequence`, allocating one on first use.
std::int64_t sequenceVmid(Poco::Data::Session& session, const std::string& vmId);

void setLabelAndAutoRestart(Poco::Data::Session& session, const std::string& vmId,
	const std::optional<std::string>& label, std::optional<bool> autoRestart, std::int64_t when);

void setStorage(Poco::Data::Session& session, const std::string& vmId, int storageGb,
	util::Micros storageHourlyRate, std::int64_t when);

/// Returns the time of the VM's last status change.
std::int64_t lastStatusChange(Poco::Data::Session& session, const std::string& vmId);

// GPU allocations

/// Returns the GPU addresses of `node` held by any VM.
std::set<std::string> allocatedOnNode(Poco::Data::Session& session, const std::string& node);

/// Inserts one allocation row per address. Throws Poco::Data::DataException when one of them is allocated to another VM, because
/// the primary key (node, gpu_address) makes that impossible to commit.
void allocate(Poco::Data::Session& session, const std::string& node, const std::vector<std::string>& addresses,
	const std::string& gpuType, const std::string& vmId, std::int64_t when);

/// Deletes the VM's allocation rows; returns how many there were.
std::size_t release(Poco::Data::Session& session, const std::string& vmId);

/// Returns the VM ids that hold an allocation on `node`, with the addresses they hold.
std::vector<std::pair<std::string, std::string>> allocationsOnNode(Poco::Data::Session& session,
	const std::string& node);

} // namespace repository

} // namespace gpucloud::vms
