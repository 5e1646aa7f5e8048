#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <Poco/Data/Session.h>

#include "db/database.h"

namespace gpucloud::audit
{

/// One row of the `audit_log` table: who did what to which object, from where, and how it ended.
struct AuditEvent
{
	std::optional<std::int64_t> actorUserId;  ///< empty for the operator command line or an unknown caller
	std::string action;         ///< dotted name such as "auth.2fa.enable" or "api_key.revoke"
	std::string target;         ///< the object acted on, such as "user:12" or "api_key:3f2a..."
	std::string sourceAddress;  ///< client IP address, or "cli" for operator commands
	std::string outcome = "success";  ///< "success" or "failure"
	std::string detail;         ///< free text for operators; never a secret
};

/// Appends audit events. Account, VM, billing and operator modules share it. Thread-safe.
class AuditLog
{
public:
	explicit AuditLog(db::Database& database);

	/// Writes `event` in a session of its own. Throws Poco::Data exceptions when the database fails.
	void record(const AuditEvent& event);

	/// Writes `event` inside the caller's transaction, so that it commits or rolls back with the change it records.
	static void record(Poco::Data::Session& session, const AuditEvent& event);

private:
	db::Database& _database;
};

} // namespace gpucloud::audit
