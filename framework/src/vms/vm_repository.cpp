#include "vms/vm_repository.h"

#include <algorithm>
#include <chrono>

#include <Poco/Data/Statement.h>

#include "db/rows.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::vms
{

std::string joinAddresses(const std::vector<std::string>& addresses)
{
	std::string text;
	for (const std::string& address : addresses)
		text += (text.empty() ? "" : ",") + address;
	return text;
}

std::vector<std::string> splitAddresses(const std::string& text)
{
	std::vector<std::string> addresses;
	std::size_t start = 0;
	while (start < text.size())
	{
		std::size_t end = text.find(',', start);
		if (end == std::string::npos)
			end = text.size();
		if (end > start)
			addresses.push_back(text.substr(start, end - start));
		start = end + 1;
	}
	return addresses;
}

namespace repository
{

namespace
{

using db::addParameter;

const char* kColumns =
	"SELECT id, vmid, user_id, backend, node, backend_ref, instance_label, template_vmid, gpu_type, gpu_count, "
	"storage_gb, ram_gb, cpu_cores, rental_type, reservation_id, auto_restart, status, status_reason, ip_address, "
	"gpu_hourly_rate_micros, storage_hourly_rate_micros, created_at, started_at, stopped_at, destroyed_at, "
	"updated_at, gpu_addresses, "
	"CASE WHEN EXISTS (SELECT 1 FROM jobs WHERE jobs.vm_id = vms.id AND jobs.state IN ('queued', 'running')) "
	"THEN 1 ELSE 0 END FROM vms ";

/// Builds a VmRecord from a row of kColumns, read either through Poco Data or straight from SQLite.
template <class Row>
VmRecord readVm(const Row& row)
{
	VmRecord vm;
	vm.id = row.text(0);
	vm.vmid = row.int64(1);
	vm.userId = row.int64(2);
	vm.backend = row.text(3);
	vm.node = row.text(4);
	vm.backendRef = row.text(5);
	vm.instanceLabel = row.text(6);
	vm.templateVmid = row.int64(7);
	vm.gpuType = row.text(8);
	vm.gpuCount = static_cast<int>(row.int64(9));
	vm.storageGb = static_cast<int>(row.int64(10));
	vm.ramGb = static_cast<int>(row.int64(11));
	vm.cpuCores = static_cast<int>(row.int64(12));
	vm.rentalType = row.text(13);
	vm.reservationId = row.optionalText(14);
	vm.autoRestart = row.int64(15) != 0;
	vm.status = parseVmState(row.text(16)).value_or(VmState::Failed);
	vm.statusReason = row.optionalText(17);
	vm.ipAddress = row.optionalText(18);
	vm.gpuHourlyRate = row.int64(19);
	vm.storageHourlyRate = row.int64(20);
	vm.createdAt = row.int64(21);
	vm.startedAt = row.optionalInt64(22);
	vm.stoppedAt = row.optionalInt64(23);
	vm.destroyedAt = row.optionalInt64(24);
	vm.updatedAt = row.int64(25);
	vm.gpuAddresses = splitAddresses(row.text(26));
	vm.jobPending = row.int64(27) != 0;
	return vm;
}

/// Runs a query of kColumns with the parameters `bind` adds and returns its rows.
template <class Bind>
std::vector<VmRecord> selectVms(Poco::Data::Session& session, const std::string& sql, Bind&& bind)
{
	return db::selectRows<VmRecord>(session, sql, std::forward<Bind>(bind), [](const auto& row) { return readVm(row); });
}

void insertHistory(Poco::Data::Session& session, const std::string& vmId, const std::string& status,
	const std::string& reason, std::int64_t when)
{
	std::string id = vmId;
	std::string state = status;
	Poco::Nullable<std::string> why;
	if (!reason.empty())
		why = reason;
	Poco::Int64 at = when;
	session << "INSERT INTO vm_status_history (vm_id, status, reason, changed_at) VALUES ($1, $2, $3, $4)", use(id),
		use(state), use(why), use(at), now;
}

/// Runs a query of one integer, such as a count, with the parameters `bind` adds.
template <class Bind>
std::int64_t selectCount(Poco::Data::Session& session, const std::string& sql, Bind&& bind)
{
	std::vector<std::int64_t> values = db::selectRows<std::int64_t>(session, sql, std::forward<Bind>(bind),
		[](const auto& row) { return row.int64(0); });
	return values.empty() ? 0 : values.front();
}

} // namespace

void insert(Poco::Data::Session& session, const VmRecord& vm)
{
	std::string id = vm.id;
	Poco::Int64 vmid = vm.vmid;
	Poco::Int64 userId = vm.userId;
	std::string backend = vm.backend;
	std::string node = vm.node;
	std::string label = vm.instanceLabel;
	Poco::Int64 templateVmid = vm.templateVmid;
	std::string gpuType = vm.gpuType;
	int gpuCount = vm.gpuCount;
	int storageGb = vm.storageGb;
	int ramGb = vm.ramGb;
	int cpuCores = vm.cpuCores;
	std::string rentalType = vm.rentalType;
	Poco::Nullable<std::string> reservationId;
	if (vm.reservationId)
		reservationId = *vm.reservationId;
	int autoRestart = vm.autoRestart ? 1 : 0;
	std::string status = vmStateName(vm.status);
	Poco::Int64 gpuRate = vm.gpuHourlyRate;
	Poco::Int64 storageRate = vm.storageHourlyRate;
	Poco::Int64 createdAt = vm.createdAt;
	std::string addresses = joinAddresses(vm.gpuAddresses);
	// Strictly increasing per user (an index lookup), so that the user's "newest first" list follows the order of
	// the inserts even when the clock steps back.
	Poco::Int64 lastMs = 0;
	session << "SELECT COALESCE(MAX(created_ms), 0) FROM vms WHERE user_id = $1", use(userId), into(lastMs), now;
	Poco::Int64 createdMs = std::max<Poco::Int64>(lastMs + 1,
		std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
			.count());

	session << "INSERT INTO vms (id, vmid, user_id, backend, node, instance_label, template_vmid, gpu_type, "
			   "gpu_count, storage_gb, ram_gb, cpu_cores, rental_type, reservation_id, auto_restart, status, "
			   "gpu_hourly_rate_micros, storage_hourly_rate_micros, created_at, updated_at, gpu_addresses, created_ms) "
			   "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $20, "
			   "$21)",
		use(id), use(vmid), use(userId), use(backend), use(node), use(label), use(templateVmid), use(gpuType),
		use(gpuCount), use(storageGb), use(ramGb), use(cpuCores), use(rentalType), use(reservationId),
		use(autoRestart), use(status), use(gpuRate), use(storageRate), use(createdAt), use(addresses), use(createdMs), now;
	insertHistory(session, vm.id, status, "", vm.createdAt);
}

std::optional<VmRecord> find(Poco::Data::Session& session, const std::string& vmId)
{
	std::string id = vmId;
	std::vector<VmRecord> rows =
		selectVms(session, std::string(kColumns) + "WHERE id = $1", [&](auto& statement) { addParameter(statement, id); });
	if (rows.empty())
		return std::nullopt;
	return rows.front();
}

std::optional<VmRecord> findOwned(Poco::Data::Session& session, const std::string& vmId, std::int64_t userId)
{
	std::optional<VmRecord> vm = find(session, vmId);
	if (!vm || vm->userId != userId)
		return std::nullopt;
	return vm;
}

std::vector<VmRecord> list(Poco::Data::Session& session, const VmListFilter& filter, std::int64_t& total)
{
	// The WHERE clause names only the filters in use, because SQLite cannot use an index for a condition such as
	// "($1 = 0 OR user_id = $2)". Every value is still bound, with placeholders numbered in textual order.
	Poco::Int64 userId = filter.userId.value_or(0);
	std::string status = filter.status ? vmStateName(*filter.status) : "";
	bool includeDestroyed = filter.includeDestroyed || (filter.status && *filter.status == VmState::Destroyed);

	std::vector<std::string> conditions;
	int placeholder = 0;
	if (filter.userId)
		conditions.push_back("user_id = $" + std::to_string(++placeholder));
	if (filter.status)
		conditions.push_back("status = $" + std::to_string(++placeholder));
	if (!includeDestroyed)
		conditions.push_back("status <> 'destroyed'");
	std::string where;
	for (const std::string& condition : conditions)
		where += (where.empty() ? "WHERE " : " AND ") + condition;
	where += " ";

	auto bindFilters = [&](auto& statement) {
		if (filter.userId)
			addParameter(statement, userId);
		if (filter.status)
			addParameter(statement, status);
	};

	// vm_status_counts has the user_id and status columns that the conditions name, and a row per user and status.
	total = selectCount(session, "SELECT CAST(COALESCE(SUM(vm_count), 0) AS BIGINT) FROM vm_status_counts " + where,
		bindFilters);

	Poco::Int64 limit = filter.limit;
	Poco::Int64 offset = filter.offset;
	std::string sql = std::string(kColumns) + where + "ORDER BY created_ms DESC, id DESC LIMIT $"
		+ std::to_string(placeholder + 1) + " OFFSET $" + std::to_string(placeholder + 2);
	return selectVms(session, sql, [&](auto& statement) {
		bindFilters(statement);
		addParameter(statement, limit);
		addParameter(statement, offset);
	});
}

std::vector<VmRecord> listInStates(Poco::Data::Session& session, const std::vector<VmState>& states)
{
	std::vector<VmRecord> all;
	for (VmState state : states)
	{
		std::string name = vmStateName(state);
		std::string sql = std::string(kColumns) + "WHERE status = $1 ORDER BY created_ms DESC, id DESC";
		for (VmRecord& vm : selectVms(session, sql, [&](auto& statement) { addParameter(statement, name); }))
			all.push_back(std::move(vm));
	}
	return all;
}

std::int64_t countActive(Poco::Data::Session& session, std::int64_t userId)
{
	Poco::Int64 user = userId;
	Poco::Int64 count = 0;
	session << "SELECT CAST(COALESCE(SUM(vm_count), 0) AS BIGINT) FROM vm_status_counts WHERE user_id = $1 "
			   "AND status NOT IN ('destroyed', 'failed')",
		use(user), into(count), now;
	return count;
}

bool transition(Poco::Data::Session& session, const std::string& vmId, const std::vector<VmState>& from, VmState to,
	const std::string& reason, std::int64_t when)
{
	std::optional<VmRecord> vm = find(session, vmId);
	if (!vm)
		return false;
	bool allowed = false;
	for (VmState state : from)
		allowed = allowed || vm->status == state;
	if (!allowed)
		return false;

	std::string id = vmId;
	std::string previous = vmStateName(vm->status);
	std::string next = vmStateName(to);
	Poco::Nullable<std::string> why;
	if (!reason.empty())
		why = reason;
	Poco::Int64 at = when;
	// SQLite numbers `$N` parameters in the order they first appear, so they appear here in ascending order.
	const char* stamp = to == VmState::Running ? ", started_at = $3"
		: to == VmState::Stopped || to == VmState::Interrupted ? ", stopped_at = $3"
		: to == VmState::Destroyed ? ", destroyed_at = $3" : "";
	Poco::Data::Statement update(session);
	update << std::string("UPDATE vms SET status = $1, status_reason = $2, updated_at = $3") + stamp
			+ " WHERE id = $4 AND status = $5",
		use(next), use(why), use(at), use(id), use(previous);
	if (update.execute() != 1)
		return false;
	insertHistory(session, vmId, next, reason, when);
	return true;
}

void setStatusReason(Poco::Data::Session& session, const std::string& vmId, const std::string& reason,
	std::int64_t when)
{
	std::string id = vmId;
	Poco::Nullable<std::string> why;
	if (!reason.empty())
		why = reason;
	Poco::Int64 at = when;
	session << "UPDATE vms SET status_reason = $1, updated_at = $2 WHERE id = $3", use(why), use(at), use(id), now;
}

void setIpAddress(Poco::Data::Session& session, const std::string& vmId, const std::optional<std::string>& ip,
	std::int64_t when)
{
	std::string id = vmId;
	Poco::Nullable<std::string> address;
	if (ip)
		address = *ip;
	Poco::Int64 at = when;
	session << "UPDATE vms SET ip_address = $1, updated_at = $2 WHERE id = $3", use(address), use(at), use(id), now;
}

void setBackendRef(Poco::Data::Session& session, const std::string& vmId, const std::string& backendRef,
	std::int64_t vmid, std::int64_t when)
{
	std::string id = vmId;
	std::string ref = backendRef;
	Poco::Int64 number = vmid;
	Poco::Int64 at = when;
	session << "UPDATE vms SET backend_ref = $1, vmid = $2, updated_at = $3 WHERE id = $4", use(ref), use(number),
		use(at), use(id), now;
}

void setPlacement(Poco::Data::Session& session, const std::string& vmId, const std::vector<std::string>& addresses,
	const std::string& reservationId)
{
	std::string id = vmId;
	std::string joined = joinAddresses(addresses);
	Poco::Nullable<std::string> reservation;
	if (!reservationId.empty())
		reservation = reservationId;
	session << "UPDATE vms SET gpu_addresses = $1, reservation_id = $2 WHERE id = $3", use(joined), use(reservation),
		use(id), now;
}

void setGpuAddresses(Poco::Data::Session& session, const std::string& vmId, const std::vector<std::string>& addresses)
{
	std::string id = vmId;
	std::string joined = joinAddresses(addresses);
	session << "UPDATE vms SET gpu_addresses = $1 WHERE id = $2", use(joined), use(id), now;
}

std::int64_t sequenceVmid(Poco::Data::Session& session, const std::string& vmId)
{
	std::string id = vmId;
	Poco::Data::Statement select(session);
	Poco::Int64 vmid = 0;
	select << "SELECT vmid FROM vmid_sequence WHERE vm_id = $1", use(id), into(vmid), limit(1);
	if (select.execute() > 0)
		return vmid;
	session << "INSERT INTO vmid_sequence (vm_id) VALUES ($1)", use(id), now;
	session << "SELECT vmid FROM vmid_sequence WHERE vm_id = $1", use(id), into(vmid), now;
	return vmid;
}

void setLabelAndAutoRestart(Poco::Data::Session& session, const std::string& vmId,
	const std::optional<std::string>& label, std::optional<bool> autoRestart, std::int64_t when)
{
	std::string id = vmId;
	Poco::Int64 at = when;
	if (label)
	{
		std::string text = *label;
		session << "UPDATE vms SET instance_label = $1, updated_at = $2 WHERE id = $3", use(text), use(at), use(id),
			now;
	}
	if (autoRestart)
	{
		int flag = *autoRestart ? 1 : 0;
		session << "UPDATE vms SET auto_restart = $1, updated_at = $2 WHERE id = $3", use(flag), use(at), use(id),
			now;
	}
}

void setStorage(Poco::Data::Session& session, const std::string& vmId, int storageGb,
	util::Micros storageHourlyRate, std::int64_t when)
{
	std::string id = vmId;
	int size = storageGb;
	Poco::Int64 rate = storageHourlyRate;
	Poco::Int64 at = when;
	session << "UPDATE vms SET storage_gb = $1, storage_hourly_rate_micros = $2, updated_at = $3 WHERE id = $4",
		use(size), use(rate), use(at), use(id), now;
}

std::int64_t lastStatusChange(Poco::Data::Session& session, const std::string& vmId)
{
	std::string id = vmId;
	Poco::Int64 at = 0;
	session << "SELECT COALESCE(MAX(changed_at), 0) FROM vm_status_history WHERE vm_id = $1", use(id), into(at), now;
	return at;
}

std::set<std::string> allocatedOnNode(Poco::Data::Session& session, const std::string& node)
{
	std::string name = node;
	std::vector<std::string> addresses;
	session << "SELECT gpu_address FROM gpu_allocations WHERE node = $1", use(name), into(addresses), now;
	return std::set<std::string>(addresses.begin(), addresses.end());
}

void allocate(Poco::Data::Session& session, const std::string& node, const std::vector<std::string>& addresses,
	const std::string& gpuType, const std::string& vmId, std::int64_t when)
{
	std::string name = node;
	std::string type = gpuType;
	std::string id = vmId;
	Poco::Int64 at = when;
	for (const std::string& address : addresses)
	{
		std::string gpu = address;
		session << "INSERT INTO gpu_allocations (node, gpu_address, gpu_type, vm_id, allocated_at) "
				   "VALUES ($1, $2, $3, $4, $5)",
			use(name), use(gpu), use(type), use(id), use(at), now;
	}
}

std::size_t release(Poco::Data::Session& session, const std::string& vmId)
{
	std::string id = vmId;
	Poco::Data::Statement statement(session);
	statement << "DELETE FROM gpu_allocations WHERE vm_id = $1", use(id);
	return statement.execute();
}

std::vector<std::pair<std::string, std::string>> allocationsOnNode(Poco::Data::Session& session,
	const std::string& node)
{
	std::string name = node;
	std::vector<std::string> vmIds;
	std::vector<std::string> addresses;
	session << "SELECT vm_id, gpu_address FROM gpu_allocations WHERE node = $1", use(name), into(vmIds),
		into(addresses), now;
	std::vector<std::pair<std::string, std::string>> rows;
	for (std::size_t i = 0; i < vmIds.size(); ++i)
		rows.emplace_back(vmIds[i], addresses[i]);
	return rows;
}

} // namespace repository

} // namespace gpucloud::vms
