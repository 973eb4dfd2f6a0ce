-- name: table_columns
-- title: Every column of the default database's tables and views, with its type (the schema SQL is compiled against)
-- reads: duckdb_columns
-- writes:
-- parameters:
-- columns:
--   table_name: the table
--   column_name: one of its columns
--   data_type: its DuckDB type
SELECT table_name, column_name, data_type FROM duckdb_columns()
WHERE database_name = current_database() AND schema_name = 'main' ORDER BY table_name, column_index
