#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <Poco/Data/Session.h>

#include "accounts/account_service.h"

namespace gpucloud::providers::auth
{

/// An `api_keys` row as the authenticator needs it.
struct StoredApiKey
{
	accounts::ApiKey key;
	std::int64_t userId = 0;
};

/// SQL on the `api_keys` table. Scopes are stored as a comma-separated list.
namespace api_key_store
{

void insert(Poco::Data::Session& session, const StoredApiKey& stored, const std::string& keyHash);

/// Counts keys that are neither revoked nor expired at `now`.
std::int64_t countLive(Poco::Data::Session& session, std::int64_t userId, std::int64_t now);

/// Returns the user's keys, newest first; revoked ones only with `includeRevoked`.
std::vector<accounts::ApiKey> list(Poco::Data::Session& session, std::int64_t userId, bool includeRevoked);

/// Marks the key revoked. Returns false when the user has no key with this id.
bool revoke(Poco::Data::Session& session, std::int64_t userId, const std::string& id, std::int64_t now);

std::optional<StoredApiKey> findByHash(Poco::Data::Session& session, const std::string& keyHash);

void touch(Poco::Data::Session& session, const std::string& id, std::int64_t now);

} // namespace api_key_store

} // namespace gpucloud::providers::auth
