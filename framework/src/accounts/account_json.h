#pragma once

#include <Poco/JSON/Object.h>

#include "accounts/account_service.h"

namespace gpucloud::accounts
{

/// The User object of the API: id, email, tier, max_vms, max_hourly_spend, credit_balance, status, created_at,
/// totp_enabled, email_verified, auth_provider, is_admin.
Poco::JSON::Object::Ptr userJson(const User& user);

/// {access_token, refresh_token, token_type, expires_in}.
Poco::JSON::Object::Ptr tokenPairJson(const TokenPair& tokens);

/// An entry of `GET /api-keys`: id, name, scopes, prefix, created_at, last_used_at, expires_at, is_revoked.
Poco::JSON::Object::Ptr apiKeyJson(const ApiKey& key);

/// The response of `POST /auth/api-key`: id, api_key, name, scopes, created_at, expires_at, message.
Poco::JSON::Object::Ptr createdApiKeyJson(const CreatedApiKey& created);

} // namespace gpucloud::accounts
