#include "audit/audit_log.h"

using namespace Poco::Data::Keywords;

namespace gpucloud::audit
{

AuditLog::AuditLog(db::Database& database) : _database(database)
{
}

void AuditLog::record(const AuditEvent& event)
{
	Poco::Data::Session session = _database.session();
	record(session, event);
}

void AuditLog::record(Poco::Data::Session& session, const AuditEvent& event)
{
	Poco::Int64 createdAt = db::unixNow();
	Poco::Nullable<Poco::Int64> actor;
	if (event.actorUserId)
		actor = static_cast<Poco::Int64>(*event.actorUserId);
	std::string action = event.action;
	std::string target = event.target;
	std::string source = event.sourceAddress;
	std::string outcome = event.outcome;
	std::string detail = event.detail;
	session << "INSERT INTO audit_log (created_at, actor_user_id, action, target, source_address, outcome, detail) "
			   "VALUES ($1, $2, $3, $4, $5, $6, $7)",
		use(createdAt), use(actor), use(action), use(target), use(source), use(outcome), use(detail), now;
}

} // namespace gpucloud::audit
