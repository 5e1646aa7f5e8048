-- One usage row per VM and hour of its life instead of one per meter pass. The meter adds each period's charge to
-- the row of the hour the period starts in, the hours counting from the VM's creation. The table grows by one row per
-- VM and hour, and a pass inside an hour rewrites rows in place without touching an index; since VMs are created at
-- different times, the passes that start new rows are spread over the hour. Existing rows are merged the same way.
CREATE TABLE usage_hours (
	id TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	vm_id TEXT NOT NULL REFERENCES vms (id),
	hour_start BIGINT NOT NULL,
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
	CONSTRAINT usage_records_vm_hour UNIQUE (vm_id, hour_start)
);

-- Disks only grow, so the largest size of an hour is its last.
INSERT INTO usage_hours (id, user_id, vm_id, hour_start, period_start, period_end, gpu_seconds, storage_gb,
	network_bytes, gpu_cost_micros, storage_cost_micros, network_cost_micros, total_cost_micros, ledger_entry_id,
	created_at)
SELECT MIN(u.id), u.user_id, u.vm_id, v.created_at + (u.period_start - v.created_at) / 3600 * 3600,
	MIN(u.period_start), MAX(u.period_end), SUM(u.gpu_seconds), MAX(u.storage_gb), SUM(u.network_bytes),
	SUM(u.gpu_cost_micros), SUM(u.storage_cost_micros), SUM(u.network_cost_micros), SUM(u.total_cost_micros),
	MAX(u.ledger_entry_id), MAX(u.created_at)
FROM usage_records u JOIN vms v ON v.id = u.vm_id
GROUP BY u.user_id, u.vm_id, v.created_at + (u.period_start - v.created_at) / 3600 * 3600;

DROP TABLE usage_records;
ALTER TABLE usage_hours RENAME TO usage_records;
CREATE INDEX usage_records_user_time ON usage_records (user_id, period_start);

-- engine: postgresql
ALTER INDEX usage_hours_pkey RENAME TO usage_records_pkey;
