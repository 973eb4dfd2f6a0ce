-- name: table_exists
-- title: Whether the default database holds a table of this name (a view of a lake snapshot's Parquet file counts)
-- reads: duckdb_tables, duckdb_views
-- writes:
-- parameters: name
-- columns:
--   is_present: it does
SELECT count(*) > 0 AS is_present FROM (
  SELECT table_name AS name FROM duckdb_tables() WHERE database_name = current_database()
  UNION ALL
  SELECT view_name FROM duckdb_views() WHERE database_name = current_database() AND NOT internal
) WHERE name = $name
