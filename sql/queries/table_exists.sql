-- name: table_exists
-- title: Whether the default database holds a table of this name
-- reads: duckdb_tables
-- writes:
-- parameters: name
-- columns:
--   is_present: it does
SELECT count(*) > 0 AS is_present FROM duckdb_tables()
WHERE database_name = current_database() AND table_name = $name
