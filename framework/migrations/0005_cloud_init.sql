-- Cloud-init seeds served to guests through the NoCloud network data source. user_data holds SSH public keys and
-- a SHA-512 crypt hash of the password, never the password itself.
CREATE TABLE cloud_init_seeds (
	vm_id TEXT PRIMARY KEY REFERENCES vms (id),
	hostname TEXT NOT NULL,
	user_data TEXT NOT NULL,
	created_at BIGINT NOT NULL
);
