-- name: data_span
-- title: The first and last moment the data covers (people created, deals created)
-- reads: people, opportunities
-- writes:
-- parameters:
-- columns:
--   first_at: the earliest creation of a person or a deal
--   last_at: the latest
SELECT least(min(p.first), min(o.first)) AS first_at, greatest(max(p.last), max(o.last)) AS last_at
FROM (SELECT min(created_at) AS first, max(created_at) AS last FROM people) p,
     (SELECT min(created_at) AS first, max(created_at) AS last FROM opportunities) o
