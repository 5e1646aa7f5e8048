#include "auth/local_account_service.h"

#include <Poco/Data/DataException.h>
#include <Poco/String.h>

#include "auth/refresh_token_store.h"
#include "http/api_error.h"
#include "util/random.h"

namespace gpucloud::providers::auth
{

namespace
{

constexpr std::size_t kMinPasswordLength = 12;
const char* const kBadCredentials = "Incorrect email or password";

} // namespace

LocalAccountService::LocalAccountService(const gpucloud::auth::AuthSettings& settings, db::Database& database,
	std::shared_ptr<PasswordHashing> hashing, std::shared_ptr<JwtCodec> jwt, std::shared_ptr<VerifiedKeyCache> keyCache,
	std::shared_ptr<ratelimit::RateLimiter> rateLimiter, Clock clock)
	: _settings(settings)
	, _database(database)
	, _hashing(std::move(hashing))
	, _jwt(std::move(jwt))
	, _keyCache(std::move(keyCache))
	, _rateLimiter(std::move(rateLimiter))
	, _clock(clock ? std::move(clock) : Clock(&db::unixNow))
	, _audit(database)
	, _logger(Poco::Logger::get("gpucloud.accounts"))
{
}

std::string LocalAccountService::normaliseEmail(const std::string& email)
{
	return Poco::toLower(Poco::trim(email));
}

void LocalAccountService::validateEmail(const std::string& email) const
{
	std::size_t at = email.find('@');
	bool valid = email.size() >= 3 && email.size() <= 254 && at != std::string::npos && at > 0 && at <= 64
		&& email.find('@', at + 1) == std::string::npos;
	if (valid)
	{
		std::string domain = email.substr(at + 1);
		valid = domain.find('.') != std::string::npos && domain.front() != '.' && domain.back() != '.'
			&& domain.find("..") == std::string::npos;
	}
	for (char c : email)
	{
		if (static_cast<unsigned char>(c) <= ' ' || c == '<' || c == '>' || c == ',' || c == ';' || c == '"')
			valid = false;
	}
	if (!valid)
		throw http::ApiError::validation({"body", "email"}, "value is not a valid email address", "value_error");
}

void LocalAccountService::validatePassword(const std::string& password, const std::string& field) const
{
	if (password.size() < kMinPasswordLength)
	{
		throw http::ApiError::validation({"body", field},
			"String should have at least " + std::to_string(kMinPasswordLength) + " characters", "string_too_short");
	}
}

void LocalAccountService::limitAttempts(const std::string& key)
{
	if (!_rateLimiter)
		return;
	ratelimit::RateDecision decision = _rateLimiter->consume(ratelimit::RateClass::LoginAccount, key);
	if (decision.allowed)
		return;
	auto retryAfter = std::max<std::int64_t>(1, decision.retryAfter.count());
	throw http::ApiError(429, "Too many login attempts for this account; retry in " + std::to_string(retryAfter)
			+ " seconds")
		.withHeader("Retry-After", std::to_string(retryAfter))
		.withHeader("RateLimit-Limit", std::to_string(decision.limit))
		.withHeader("RateLimit-Remaining", "0")
		.withHeader("RateLimit-Reset", std::to_string(decision.reset.count()));
}

void LocalAccountService::audit(std::optional<std::int64_t> actor, const std::string& action, const std::string& target,
	const std::string& source, const std::string& detail)
{
	audit::AuditEvent event;
	event.actorUserId = actor;
	event.action = action;
	event.target = target;
	event.sourceAddress = source;
	event.detail = detail;
	_audit.record(event);
}

UserRow LocalAccountService::requireUser(std::int64_t userId)
{
	Poco::Data::Session session = _database.session();
	std::optional<UserRow> row = user_store::findById(session, userId);
	if (!row)
		throw http::notFound("User " + std::to_string(userId) + " not found");
	return *row;
}

accounts::User LocalAccountService::registerUser(const std::string& email, const std::string& password,
	const std::string& clientAddress)
{
	if (!_settings.registrationEnabled)
		throw http::forbidden("Registration is disabled on this server");
	std::string address = normaliseEmail(email);
	validateEmail(address);
	validatePassword(password, "password");

	std::string hash = _hashing->hash(password);
	std::int64_t now = _clock();
	std::int64_t id = 0;
	try
	{
		id = _database.transaction([&](Poco::Data::Session& session) {
			if (user_store::findByEmail(session, address))
				throw http::conflict("A user with this email address is already registered");
			return user_store::insert(session, address, hash, false, now);
		});
	}
	catch (const Poco::Data::DataException&)
	{
		// Two registrations of one address raced past the check; the unique index stopped the second.
		Poco::Data::Session session = _database.session();
		if (user_store::findByEmail(session, address))
			throw http::conflict("A user with this email address is already registered");
		throw;
	}
	_logger.information("Registered user %Ld from %s", static_cast<Poco::Int64>(id), clientAddress);
	return requireUser(id).user;
}

accounts::LoginResult LocalAccountService::login(const std::string& email, const std::string& password,
	const std::string& clientAddress)
{
	std::string address = normaliseEmail(email);
	limitAttempts("email:" + address);

	std::optional<UserRow> row;
	{
		Poco::Data::Session session = _database.session();
		row = user_store::findByEmail(session, address);
	}
	if (!row)
	{
		// The same Argon2 work as for a real account, so the response time does not reveal which addresses exist.
		_hashing->verifyDummy(password);
		throw http::unauthorized(kBadCredentials);
	}
	if (!_hashing->verify(row->passwordHash, password))
	{
		_logger.information("Failed login for user %Ld from %s", static_cast<Poco::Int64>(row->user.id), clientAddress);
		throw http::unauthorized(kBadCredentials);
	}
	if (row->user.status != "active")
		throw http::forbidden("Account " + std::to_string(row->user.id) + " is " + row->user.status);

	if (_hashing->needsRehash(row->passwordHash))
	{
		std::string hash = _hashing->hash(password);
		Poco::Data::Session session = _database.session();
		user_store::updatePasswordHash(session, row->user.id, hash, _clock());
	}

	accounts::LoginResult result;
	if (row->user.totpEnabled)
	{
		result.requiresTwoFactor = true;
		result.challengeToken = _jwt->issue(kChallengeToken, std::to_string(row->user.id), util::uuid4(),
			_settings.challengeTokenTtl, _clock());
		result.challengeExpiresIn = _settings.challengeTokenTtl.count();
		return result;
	}
	result.tokens = issueTokens(row->user.id, util::uuid4());
	_logger.information("User %Ld logged in from %s", static_cast<Poco::Int64>(row->user.id), clientAddress);
	return result;
}

accounts::TokenPair LocalAccountService::issueTokens(std::int64_t userId, const std::string& familyId)
{
	std::int64_t now = _clock();
	std::string subject = std::to_string(userId);
	std::string refreshId = util::uuid4();

	accounts::TokenPair tokens;
	tokens.accessToken = _jwt->issue(kAccessToken, subject, util::uuid4(), _settings.accessTokenTtl, now);
	tokens.refreshToken = _jwt->issue(kRefreshToken, subject, refreshId, _settings.refreshTokenTtl, now);
	tokens.expiresIn = _settings.accessTokenTtl.count();

	Poco::Data::Session session = _database.session();
	refresh_token_store::insert(session, refreshId, userId, familyId, now, now + _settings.refreshTokenTtl.count());
	return tokens;
}

accounts::User LocalAccountService::user(std::int64_t userId)
{
	return requireUser(userId).user;
}

void LocalAccountService::changePassword(std::int64_t userId, const std::string& currentPassword,
	const std::string& newPassword, const std::string& clientAddress)
{
	UserRow row = requireUser(userId);
	if (!_hashing->verify(row.passwordHash, currentPassword))
	{
		audit(userId, "auth.password.change", "user:" + std::to_string(userId), clientAddress, "wrong current password");
		throw http::unauthorized("Current password is incorrect");
	}
	validatePassword(newPassword, "new_password");

	std::string hash = _hashing->hash(newPassword);
	std::int64_t now = _clock();
	_database.transaction([&](Poco::Data::Session& session) {
		user_store::updatePasswordHash(session, userId, hash, now);
		refresh_token_store::revokeUser(session, userId, now);
		audit::AuditLog::record(session, {userId, "auth.password.change", "user:" + std::to_string(userId),
			clientAddress, "success", "every refresh token revoked"});
	});
	_logger.information("User %Ld changed the password; refresh tokens revoked", static_cast<Poco::Int64>(userId));
}

std::pair<accounts::User, bool> LocalAccountService::ensureAdmin(const std::string& email, const std::string& password,
	const std::string& source)
{
	std::string address = normaliseEmail(email);
	validateEmail(address);
	{
		Poco::Data::Session session = _database.session();
		if (std::optional<UserRow> existing = user_store::findByEmail(session, address))
		{
			_database.transaction([&](Poco::Data::Session& transaction) {
				user_store::setAdmin(transaction, existing->user.id, _clock());
				audit::AuditLog::record(transaction, {std::nullopt, "admin.promote",
					"user:" + std::to_string(existing->user.id), source, "success", ""});
			});
			return {requireUser(existing->user.id).user, false};
		}
	}

	validatePassword(password, "password");
	std::string hash = _hashing->hash(password);
	std::int64_t id = _database.transaction([&](Poco::Data::Session& session) {
		std::int64_t created = user_store::insert(session, address, hash, true, _clock());
		audit::AuditLog::record(session, {std::nullopt, "admin.create", "user:" + std::to_string(created), source,
			"success", ""});
		return created;
	});
	return {requireUser(id).user, true};
}

} // namespace gpucloud::providers::auth
