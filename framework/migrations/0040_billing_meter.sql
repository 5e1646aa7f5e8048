-- What the meter needs beyond 0004: cumulative charged seconds per VM, so that the cost of each period is the
-- difference of two roundings of a running total and per-minute charges add up to the exact total; a per-user
-- sequence that orders ledger rows written in the same second; and outbound traffic as backends report it.
ALTER TABLE billing_cursors ADD COLUMN gpu_seconds_charged BIGINT NOT NULL DEFAULT 0;
ALTER TABLE billing_cursors ADD COLUMN storage_seconds_charged BIGINT NOT NULL DEFAULT 0;

ALTER TABLE ledger_entries ADD COLUMN user_seq BIGINT NOT NULL DEFAULT 0;
CREATE UNIQUE INDEX ledger_entries_user_seq ON ledger_entries (user_id, user_seq);

-- Total outbound bytes of a VM since it was created, written by whoever polls the backend's counters (a counter
-- that resets when the guest reboots must be accumulated by the writer). The meter charges the growth of tx_bytes.
CREATE TABLE vm_network_usage (
	vm_id TEXT PRIMARY KEY REFERENCES vms (id),
	tx_bytes BIGINT NOT NULL,
	reported_at BIGINT NOT NULL
);
