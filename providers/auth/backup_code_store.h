#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <Poco/Data/Session.h>

namespace gpucloud::providers::auth
{

/// SQL on the `totp_backup_codes` table, which stores code hashes only.
namespace backup_code_store
{

/// Replaces the user's codes with `hashes`.
void replace(Poco::Data::Session& session, std::int64_t userId, const std::vector<std::string>& hashes);

/// Marks the unused code with `hash` used. Returns false when there is none.
bool markUsed(Poco::Data::Session& session, std::int64_t userId, const std::string& hash, std::int64_t now);

void removeAll(Poco::Data::Session& session, std::int64_t userId);

} // namespace backup_code_store

} // namespace gpucloud::providers::auth
