-- name: filter_values
-- title: The values the filter bar offers for the region or the segment (the accounts' own)
-- reads: accounts
-- writes:
-- parameters: dimension
-- columns:
--   value: one region or segment, in order
SELECT DISTINCT CASE $dimension WHEN 'region' THEN region WHEN 'segment' THEN segment END AS value
FROM accounts WHERE value IS NOT NULL ORDER BY 1
