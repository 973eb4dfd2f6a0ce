-- name: database_attached
-- title: Whether a database of this name is attached to the instance (the shared macros' catalog, once defined)
-- reads: duckdb_databases
-- writes:
-- parameters: name
-- columns:
--   is_attached: it is
SELECT count(*) > 0 AS is_attached FROM duckdb_databases() WHERE database_name = $name
