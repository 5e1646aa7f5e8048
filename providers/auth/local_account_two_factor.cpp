// Two-factor authentication of LocalAccountService: TOTP setup, enabling with backup codes, disabling.
#include "auth/local_account_service.h"

#include "auth/backup_code_store.h"
#include "auth/backup_codes.h"
#include "auth/totp.h"
#include "http/api_error.h"

namespace gpucloud::providers::auth
{

namespace
{

bool isSixDigits(const std::string& code)
{
	return code.size() == 6 && code.find_first_not_of("0123456789") == std::string::npos;
}

} // namespace

bool LocalAccountService::checkSecondFactor(const UserRow& row, const std::string& code, bool allowBackupCode)
{
	if (row.totpSecret.empty())
		return false;
	if (isSixDigits(code))
	{
		std::optional<std::int64_t> step = totp::matchStep(totp::decodeBase32(row.totpSecret), code, _clock(),
			row.totpLastStep);
		if (!step)
			return false;
		Poco::Data::Session session = _database.session();
		return user_store::advanceTotpStep(session, row.user.id, *step);
	}
	if (allowBackupCode && backup_codes::looksLikeBackupCode(code))
	{
		Poco::Data::Session session = _database.session();
		bool used = backup_code_store::markUsed(session, row.user.id, backup_codes::hash(code), _clock());
		if (used)
			_logger.information("User %Ld used a backup code", static_cast<Poco::Int64>(row.user.id));
		return used;
	}
	return false;
}

accounts::TotpSetup LocalAccountService::setupTwoFactor(std::int64_t userId, const std::string& clientAddress)
{
	UserRow row = requireUser(userId);
	if (row.user.totpEnabled)
		throw http::conflict("Two-factor authentication is already enabled; disable it first to set up a new secret");

	accounts::TotpSetup setup;
	setup.secret = totp::generateSecret();
	setup.otpauthUri = totp::otpauthUri(_settings.totpIssuer, row.user.email, setup.secret);
	{
		Poco::Data::Session session = _database.session();
		user_store::setTotpSecret(session, userId, setup.secret, _clock());
	}
	audit(userId, "auth.2fa.setup", "user:" + std::to_string(userId), clientAddress);
	return setup;
}

std::vector<std::string> LocalAccountService::enableTwoFactor(std::int64_t userId, const std::string& code,
	const std::string& clientAddress)
{
	UserRow row = requireUser(userId);
	if (row.user.totpEnabled)
		throw http::conflict("Two-factor authentication is already enabled");
	if (row.totpSecret.empty())
		throw http::conflict("No pending two-factor secret; call POST /auth/2fa/setup first");
	if (!checkSecondFactor(row, code, false))
	{
		audit(userId, "auth.2fa.enable", "user:" + std::to_string(userId), clientAddress, "wrong code");
		throw http::badRequest("Invalid TOTP code");
	}

	std::vector<std::string> codes = backup_codes::generate();
	std::vector<std::string> hashes;
	for (const std::string& backupCode : codes)
		hashes.push_back(backup_codes::hash(backupCode));
	_database.transaction([&](Poco::Data::Session& session) {
		user_store::setTotpEnabled(session, userId, true, _clock());
		backup_code_store::replace(session, userId, hashes);
		audit::AuditLog::record(session, {userId, "auth.2fa.enable", "user:" + std::to_string(userId), clientAddress,
			"success", std::to_string(codes.size()) + " backup codes issued"});
	});
	_logger.information("User %Ld enabled 2FA", static_cast<Poco::Int64>(userId));
	return codes;
}

void LocalAccountService::disableTwoFactor(std::int64_t userId, const std::string& code, const std::string& clientAddress)
{
	UserRow row = requireUser(userId);
	if (!row.user.totpEnabled)
		throw http::conflict("Two-factor authentication is not enabled");
	if (!checkSecondFactor(row, code, true))
	{
		audit(userId, "auth.2fa.disable", "user:" + std::to_string(userId), clientAddress, "wrong code");
		throw http::badRequest("Invalid TOTP or backup code");
	}

	_database.transaction([&](Poco::Data::Session& session) {
		user_store::setTotpSecret(session, userId, "", _clock());
		backup_code_store::removeAll(session, userId);
		audit::AuditLog::record(session, {userId, "auth.2fa.disable", "user:" + std::to_string(userId), clientAddress,
			"success", ""});
	});
	_logger.information("User %Ld disabled 2FA", static_cast<Poco::Int64>(userId));
}

} // namespace gpucloud::providers::auth
