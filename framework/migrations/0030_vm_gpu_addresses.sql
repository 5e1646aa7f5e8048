-- The PCI addresses (or mapping names) of a VM's GPUs, comma-separated. The backend configures a VM with these
-- devices at creation, so a stopped VM that starts again must get the same ones back.
ALTER TABLE vms ADD COLUMN gpu_addresses TEXT NOT NULL DEFAULT '';

-- Order of the jobs of one VM: a job runs only after every older job of its VM has finished.
ALTER TABLE jobs ADD COLUMN sequence BIGINT NOT NULL DEFAULT 0;
CREATE INDEX jobs_vm_sequence ON jobs (vm_id, sequence);

-- Creation order: milliseconds since the epoch, made strictly increasing at insert, for "newest first" lists.
ALTER TABLE vms ADD COLUMN created_ms BIGINT NOT NULL DEFAULT 0;
CREATE INDEX vms_user_created_ms ON vms (user_id, created_ms);
