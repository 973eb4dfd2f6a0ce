-- name: user_views
-- title: The views of a warehouse file (earlier formats kept some derived tables as views of the same names)
-- reads: duckdb_views
-- writes:
-- parameters:
-- columns:
--   view_name: a view's name
SELECT view_name FROM duckdb_views() WHERE NOT internal
