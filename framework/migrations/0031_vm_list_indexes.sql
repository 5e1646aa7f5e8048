-- GET /vms reads one user's VMs newest first and counts them. These indexes answer both from the index alone:
-- the list walks (user_id, created_ms, id) and checks status without reading the table row, and the count scans
-- (user_id, status).
CREATE INDEX vms_user_list ON vms (user_id, created_ms, id, status);
CREATE INDEX vms_user_status ON vms (user_id, status);
