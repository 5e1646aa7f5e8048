#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace gpucloud::auth
{

/// Access level that a route requires of the caller. Each route declares one; the dispatcher checks it against the caller's
/// credential in one place, so that no handler checks scopes on its own.
enum class Permission
{
	Public,        ///< no credential needed
	Profile,       ///< any valid credential: GET /auth/me
	Read,          ///< read_write or read_only: GET on VMs, SSH keys, catalogue
	Write,         ///< read_write: every mutation that is not billing, API-key management included
	BillingRead,   ///< read_write, read_only or billing_only: GET /billing/*
	BillingWrite,  ///< read_write or billing_only: billing actions
	Admin,         ///< an administrator with a JWT or a read_write key
};

/// API-key scope names as the API spells them.
inline constexpr const char* kScopeReadWrite = "read_write";
inline constexpr const char* kScopeReadOnly = "read_only";
inline constexpr const char* kScopeBillingOnly = "billing_only";

/// The authenticated caller of a request.
struct Principal
{
	std::int64_t userId = 0;
	bool isAdmin = false;
	bool viaApiKey = false;           ///< false for a JWT access token, which has full access
	std::vector<std::string> scopes;  ///< API-key scopes; empty for a JWT
	std::string apiKeyId;             ///< id of the API key used, empty for a JWT
};

/// Returns true when `principal` may call a route that requires `permission`.
bool isAllowed(const Principal& principal, Permission permission);

/// Returns the scope to name in a 403 when the caller lacks `permission`.
std::string requiredScopeName(Permission permission);

} // namespace gpucloud::auth
