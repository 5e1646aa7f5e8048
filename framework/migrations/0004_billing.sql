-- The ledger, metered usage, reservations and the meter's progress.
CREATE TABLE ledger_entries (
	id TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	entry_type TEXT NOT NULL,
	amount_micros BIGINT NOT NULL,
	balance_after_micros BIGINT NOT NULL,
	description TEXT NOT NULL,
	breakdown TEXT NOT NULL DEFAULT '{}',
	vm_id TEXT,
	created_at BIGINT NOT NULL
);
CREATE INDEX ledger_entries_user_created ON ledger_entries (user_id, created_at);

CREATE TABLE usage_records (
	id TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	vm_id TEXT NOT NULL REFERENCES vms (id),
	period_start BIGINT NOT NULL,
	period_end BIGINT NOT NULL,
	gpu_seconds BIGINT NOT NULL,
	storage_gb INTEGER NOT NULL,
	network_bytes BIGINT NOT NULL DEFAULT 0,
	gpu_cost_micros BIGINT NOT NULL,
	storage_cost_micros BIGINT NOT NULL,
	network_cost_micros BIGINT NOT NULL DEFAULT 0,
	total_cost_micros BIGINT NOT NULL,
	ledger_entry_id TEXT,
	created_at BIGINT NOT NULL,
	UNIQUE (vm_id, period_start)
);
CREATE INDEX usage_records_user_time ON usage_records (user_id, period_start);

-- How far each VM has been charged. A tick charges [charged_until, tick time) and moves charged_until forward in
-- the same transaction, so a tick that runs twice charges nothing the second time.
CREATE TABLE billing_cursors (
	vm_id TEXT PRIMARY KEY REFERENCES vms (id),
	charged_until BIGINT NOT NULL,
	network_bytes_charged BIGINT NOT NULL DEFAULT 0
);

CREATE TABLE reservations (
	id TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	vm_id TEXT REFERENCES vms (id),
	gpu_type TEXT NOT NULL,
	gpu_count INTEGER NOT NULL,
	months INTEGER NOT NULL,
	discount_percent INTEGER NOT NULL,
	monthly_cost_micros BIGINT NOT NULL,
	deposit_micros BIGINT NOT NULL,
	deposit_remaining_micros BIGINT NOT NULL,
	starts_at BIGINT NOT NULL,
	ends_at BIGINT NOT NULL,
	cancelled_at BIGINT,
	cancellation_fee_micros BIGINT
);
CREATE INDEX reservations_user ON reservations (user_id);

-- Lease that lets one server at a time run a periodic task such as the meter or the reconciler.
CREATE TABLE leases (
	name TEXT PRIMARY KEY,
	holder TEXT NOT NULL,
	expires_at BIGINT NOT NULL
);
