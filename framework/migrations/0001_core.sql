-- Facts about this database installation, such as the id of the server that created it.
CREATE TABLE schema_info (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
