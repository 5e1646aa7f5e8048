CREATE TABLE schema_info (
	name TEXT PRIMARY KEY,
	value TEXT NOT NULL
);
