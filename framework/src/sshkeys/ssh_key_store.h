#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "db/database.h"

namespace gpucloud::sshkeys
{

/// One row of `ssh_keys`.
struct SshKeyRecord
{
	std::string id;
	std::int64_t userId = 0;
	std::string label;
	std::string keyType;
	std::string publicKey;  ///< the normalised one-line key handed to cloud-init
	std::string fingerprint;
	std::int64_t createdAt = 0;
};

/// A user's SSH public keys: add with the per-account limit and duplicate check, list, find, delete.
/// Thread-safe: every method runs on its own pooled session.
class SshKeyStore
{
public:
	/// Most keys one account may keep.
	static constexpr int kMaxKeysPerUser = 5;

	explicit SshKeyStore(db::Database& database) : _database(database) {}

	/// Parses and stores `publicKey` for `userId`. Throws ApiError: 422 for a key that parseSshPublicKey() rejects,
	/// 403 when the account already has kMaxKeysPerUser keys, 409 when the account has this key already.
	SshKeyRecord add(std::int64_t userId, const std::string& publicKey, const std::string& label);

	/// Returns the user's keys, newest first.
	std::vector<SshKeyRecord> list(std::int64_t userId);

	/// Returns the key when it exists and belongs to `userId`.
	std::optional<SshKeyRecord> find(std::int64_t userId, const std::string& id);

	/// Returns the user's oldest key, the default for VMs created with SSH key authentication.
	std::optional<SshKeyRecord> oldest(std::int64_t userId);

	/// Deletes the key; returns false when it does not exist or belongs to another user.
	bool remove(std::int64_t userId, const std::string& id);

private:
	std::vector<SshKeyRecord> select(const std::string& where, std::int64_t userId, const std::string& id,
		const std::string& order);

	db::Database& _database;
};

} // namespace gpucloud::sshkeys
