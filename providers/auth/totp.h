#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace gpucloud::providers::auth
{

/// TOTP of RFC 6238 with HMAC-SHA1 and a 30-second step, the variant every authenticator app supports.
namespace totp
{

constexpr std::int64_t kStepSeconds = 30;

/// Returns a new random 160-bit secret in base32 (RFC 4648, upper case, no padding).
std::string generateSecret();

/// Encodes bytes in base32 without padding.
std::string encodeBase32(const std::string& bytes);

/// Decodes base32, ignoring case, spaces and padding. Throws std::invalid_argument for other characters.
std::string decodeBase32(const std::string& text);

/// Returns the time step that contains `unixSeconds`.
std::int64_t stepAt(std::int64_t unixSeconds);

/// Returns the `digits`-digit code of `key` (raw bytes) for `step` (RFC 4226 dynamic truncation).
std::string code(const std::string& key, std::int64_t step, int digits = 6);

/// Returns the step of `[step(now) - 1, step(now) + 1]` whose code equals `candidate`, if that step is after
/// `lastAcceptedStep` (a code accepted once is rejected, RFC 6238 section 5.2). Compares in constant time.
std::optional<std::int64_t> matchStep(const std::string& key, const std::string& candidate, std::int64_t unixSeconds,
	std::int64_t lastAcceptedStep);

/// Returns the otpauth:// URI that authenticator apps read from a QR code.
std::string otpauthUri(const std::string& issuer, const std::string& account, const std::string& base32Secret);

} // namespace totp

} // namespace gpucloud::providers::auth
