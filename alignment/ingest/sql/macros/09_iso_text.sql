-- name: iso_text
-- title: Text that may be an ISO date (its first number is not of one or two digits), else NULL
-- arguments: s
-- returns: scalar
-- reads:
-- columns:
-- An ISO date starts with its year: DuckDB's cast would also read 23/01/23 (as the year 23), which is 23 January
-- 2023 in a day-first export. Text whose first number has one or two digits is left to the other layouts.
CASE WHEN substr(s, 2, 1) NOT IN ('/', '.', '-') AND substr(s, 3, 1) NOT IN ('/', '.', '-') THEN s END
