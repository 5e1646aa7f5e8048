#pragma once

#include <string>

#include "auth/principal.h"

namespace gpucloud::auth
{

/// Resolves the credential of an `Authorization: Bearer` header. Implemented by the auth provider.
class Authenticator
{
public:
	virtual ~Authenticator() = default;

	/// Returns the caller that `credential` (a JWT access token or an API key) identifies. Throws
	/// http::ApiError(401) for an invalid, expired or revoked credential and for a disabled user.
	/// Thread-safe; called on every authenticated request, so it must be fast.
	virtual Principal authenticate(const std::string& credential) = 0;
};

} // namespace gpucloud::auth
