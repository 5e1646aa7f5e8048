#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include <Poco/Data/Session.h>

namespace gpucloud::vms
{

/// The first response to a request that carried an `Idempotency-Key`.
struct StoredResponse
{
	std::string requestHash;
	int status = 0;
	std::string body;
	std::int64_t createdAt = 0;
};

/// `idempotency_keys`: responses keyed by (user, Idempotency-Key), in the caller's transaction.
namespace idempotency_store
{

std::optional<StoredResponse> find(Poco::Data::Session& session, std::int64_t userId, const std::string& key);

void save(Poco::Data::Session& session, std::int64_t userId, const std::string& key, const StoredResponse& response);

/// Deletes the user's record of `key`; used when it is older than the retention time.
void remove(Poco::Data::Session& session, std::int64_t userId, const std::string& key);

/// Deletes every record created before `cutoff`; returns how many.
std::size_t purge(Poco::Data::Session& session, std::int64_t cutoff);

} // namespace idempotency_store

} // namespace gpucloud::vms
