-- The time of each VM's latest status change, the largest changed_at of its vm_status_history rows, kept by a
-- trigger on the history. The billing meter reads the history of only the VMs whose status changed after their
-- cursor, instead of looking up every billable VM's history on every pass.
ALTER TABLE vms ADD COLUMN status_changed_at BIGINT NOT NULL DEFAULT 0;

-- engine: sqlite
-- The migration holds SQLite's write lock from its start, so no history row is written between the trigger and
-- the update.
CREATE TRIGGER vm_status_history_latest AFTER INSERT ON vm_status_history
BEGIN
	UPDATE vms SET status_changed_at = NEW.changed_at WHERE id = NEW.vm_id AND status_changed_at < NEW.changed_at;
END;

-- engine: postgresql
-- Servers of the previous version may still change statuses during the migration: the lock keeps their history
-- rows out until the trigger exists, and the migration's commit releases it.
LOCK TABLE vm_status_history IN SHARE ROW EXCLUSIVE MODE;
CREATE FUNCTION vm_status_history_latest() RETURNS trigger AS $$
	BEGIN
		UPDATE vms SET status_changed_at = NEW.changed_at WHERE id = NEW.vm_id AND status_changed_at < NEW.changed_at;
		RETURN NULL;
	END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER vm_status_history_latest AFTER INSERT ON vm_status_history
FOR EACH ROW EXECUTE FUNCTION vm_status_history_latest();

-- engine: any
UPDATE vms SET status_changed_at = COALESCE((SELECT MAX(h.changed_at) FROM vm_status_history h WHERE h.vm_id = vms.id), 0);
