-- Accounts, credentials and the audit log. Times are Unix seconds; money is integer micro-dollars (1 USD = 1000000).
CREATE TABLE users (
	id {{id_pk}},
	email TEXT NOT NULL UNIQUE,
	password_hash TEXT NOT NULL,
	tier TEXT NOT NULL DEFAULT 'standard',
	status TEXT NOT NULL DEFAULT 'active',
	is_admin INTEGER NOT NULL DEFAULT 0,
	email_verified INTEGER NOT NULL DEFAULT 0,
	max_vms INTEGER NOT NULL DEFAULT 5,
	max_hourly_spend_micros BIGINT NOT NULL DEFAULT 50000000,
	balance_micros BIGINT NOT NULL DEFAULT 0,
	totp_secret TEXT,
	totp_enabled INTEGER NOT NULL DEFAULT 0,
	totp_last_step BIGINT NOT NULL DEFAULT 0,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);

CREATE TABLE api_keys (
	id TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	name TEXT NOT NULL,
	key_hash TEXT NOT NULL UNIQUE,
	prefix TEXT NOT NULL,
	scopes TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	expires_at BIGINT,
	last_used_at BIGINT,
	revoked_at BIGINT
);
CREATE INDEX api_keys_user ON api_keys (user_id);

CREATE TABLE refresh_tokens (
	jti TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	family_id TEXT NOT NULL,
	issued_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL,
	used_at BIGINT,
	revoked_at BIGINT
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);
CREATE INDEX refresh_tokens_user ON refresh_tokens (user_id);

CREATE TABLE totp_backup_codes (
	id {{id_pk}},
	user_id BIGINT NOT NULL REFERENCES users (id),
	code_hash TEXT NOT NULL,
	used_at BIGINT
);
CREATE INDEX totp_backup_codes_user ON totp_backup_codes (user_id);

CREATE TABLE audit_log (
	id {{id_pk}},
	created_at BIGINT NOT NULL,
	actor_user_id BIGINT,
	action TEXT NOT NULL,
	target TEXT NOT NULL,
	source_address TEXT NOT NULL,
	outcome TEXT NOT NULL,
	detail TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_created ON audit_log (created_at);
