-- name: current_database
-- title: The database a cursor reads by default (the warehouse, or the connection's own)
-- reads:
-- writes:
-- parameters:
-- columns:
--   database_name: its name
SELECT current_database() AS database_name
