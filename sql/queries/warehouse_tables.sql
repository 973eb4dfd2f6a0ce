-- name: warehouse_tables
-- title: The tables of the default database (what a lake snapshot of the warehouse holds), in name order
-- reads: duckdb_tables
-- writes:
-- parameters:
-- columns:
--   table_name: a table's name
SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'main'
ORDER BY table_name
