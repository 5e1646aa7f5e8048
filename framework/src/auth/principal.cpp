#include "auth/principal.h"

#include <algorithm>

namespace gpucloud::auth
{

namespace
{

bool hasScope(const Principal& principal, const char* scope)
{
	return std::find(principal.scopes.begin(), principal.scopes.end(), scope) != principal.scopes.end();
}

} // namespace

bool isAllowed(const Principal& principal, Permission permission)
{
	if (permission == Permission::Public || permission == Permission::Profile)
		return true;
	if (permission == Permission::Admin)
		return principal.isAdmin && (!principal.viaApiKey || hasScope(principal, kScopeReadWrite));
	if (!principal.viaApiKey || hasScope(principal, kScopeReadWrite))
		return true;

	switch (permission)
	{
	case Permission::Read: return hasScope(principal, kScopeReadOnly);
	case Permission::BillingRead: return hasScope(principal, kScopeReadOnly) || hasScope(principal, kScopeBillingOnly);
	case Permission::BillingWrite: return hasScope(principal, kScopeBillingOnly);
	default: return false;
	}
}

std::string requiredScopeName(Permission permission)
{
	switch (permission)
	{
	case Permission::Read: return "read_only or read_write";
	case Permission::BillingRead: return "billing_only, read_only or read_write";
	case Permission::BillingWrite: return "billing_only or read_write";
	case Permission::Admin: return "read_write (administrator)";
	default: return kScopeReadWrite;
	}
}

} // namespace gpucloud::auth
