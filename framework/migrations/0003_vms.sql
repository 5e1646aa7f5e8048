-- VMs, their GPU allocations, the durable job queue, SSH keys and idempotency records.
CREATE TABLE ssh_keys (
	id TEXT PRIMARY KEY,
	user_id BIGINT NOT NULL REFERENCES users (id),
	label TEXT NOT NULL,
	key_type TEXT NOT NULL,
	public_key TEXT NOT NULL,
	fingerprint TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	UNIQUE (user_id, fingerprint)
);

-- Integer VM numbers for backends without their own (vms.vmid); the sequence is shared by all backends.
CREATE TABLE vmid_sequence (
	vmid {{id_pk}},
	vm_id TEXT NOT NULL UNIQUE
);

CREATE TABLE vms (
	id TEXT PRIMARY KEY,
	vmid BIGINT NOT NULL DEFAULT 0,
	user_id BIGINT NOT NULL REFERENCES users (id),
	backend TEXT NOT NULL,
	node TEXT NOT NULL,
	backend_ref TEXT NOT NULL DEFAULT '',
	instance_label TEXT NOT NULL DEFAULT '',
	template_vmid BIGINT NOT NULL,
	gpu_type TEXT NOT NULL,
	gpu_count INTEGER NOT NULL,
	storage_gb INTEGER NOT NULL,
	ram_gb INTEGER NOT NULL,
	cpu_cores INTEGER NOT NULL,
	rental_type TEXT NOT NULL,
	reservation_id TEXT,
	auto_restart INTEGER NOT NULL DEFAULT 0,
	status TEXT NOT NULL,
	status_reason TEXT,
	ip_address TEXT,
	gpu_hourly_rate_micros BIGINT NOT NULL,
	storage_hourly_rate_micros BIGINT NOT NULL,
	created_at BIGINT NOT NULL,
	started_at BIGINT,
	stopped_at BIGINT,
	destroyed_at BIGINT,
	updated_at BIGINT NOT NULL
);
CREATE INDEX vms_user_created ON vms (user_id, created_at);
CREATE INDEX vms_status ON vms (status);
CREATE INDEX vms_node ON vms (node);

-- Every status change of a VM, written in the same transaction as vms.status. The billing meter reads it to charge
-- GPU time exactly for the seconds a VM spent in a GPU-billable status.
CREATE TABLE vm_status_history (
	id {{id_pk}},
	vm_id TEXT NOT NULL REFERENCES vms (id),
	status TEXT NOT NULL,
	reason TEXT,
	changed_at BIGINT NOT NULL
);
CREATE INDEX vm_status_history_vm ON vm_status_history (vm_id, changed_at);

-- One row per GPU held by a VM. The primary key makes a double allocation impossible: two transactions that try to
-- take the same GPU cannot both commit.
CREATE TABLE gpu_allocations (
	node TEXT NOT NULL,
	gpu_address TEXT NOT NULL,
	gpu_type TEXT NOT NULL,
	vm_id TEXT NOT NULL REFERENCES vms (id),
	allocated_at BIGINT NOT NULL,
	PRIMARY KEY (node, gpu_address)
);
CREATE INDEX gpu_allocations_vm ON gpu_allocations (vm_id);

CREATE TABLE jobs (
	id TEXT PRIMARY KEY,
	vm_id TEXT NOT NULL REFERENCES vms (id),
	kind TEXT NOT NULL,
	state TEXT NOT NULL,
	payload TEXT NOT NULL DEFAULT '{}',
	attempts INTEGER NOT NULL DEFAULT 0,
	run_after BIGINT NOT NULL,
	deadline BIGINT NOT NULL,
	claimed_by TEXT,
	claimed_until BIGINT,
	last_error TEXT,
	created_at BIGINT NOT NULL,
	updated_at BIGINT NOT NULL
);
CREATE INDEX jobs_runnable ON jobs (state, run_after);
CREATE INDEX jobs_vm ON jobs (vm_id);

CREATE TABLE idempotency_keys (
	user_id BIGINT NOT NULL REFERENCES users (id),
	idempotency_key TEXT NOT NULL,
	request_hash TEXT NOT NULL,
	response_status INTEGER NOT NULL,
	response_body TEXT NOT NULL,
	created_at BIGINT NOT NULL,
	PRIMARY KEY (user_id, idempotency_key)
);

CREATE TABLE node_settings (
	node TEXT PRIMARY KEY,
	schedulable INTEGER NOT NULL DEFAULT 1,
	updated_at BIGINT NOT NULL
);
