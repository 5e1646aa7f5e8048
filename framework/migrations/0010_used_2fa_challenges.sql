-- 2FA login challenges that already produced a token pair. A challenge is single use: a second code sent with the
-- same challenge token is rejected. Rows can be deleted once expires_at has passed.
CREATE TABLE used_2fa_challenges (
	jti TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	used_at BIGINT NOT NULL,
	expires_at BIGINT NOT NULL
);
