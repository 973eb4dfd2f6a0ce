-- name: dates_far_from_the_rest
-- title: Creation dates far before the rest of the data
-- description: A person or deal created more than two years before 99 % of the others: most likely a wrong date,
--    and it stretches every chart over the years between.
-- severity: info
-- reads: people, opportunities
-- import_warning:
-- columns:
--   field: the table and column
--   record_id: the person or deal
--   value: when it was created
WITH bounds AS (
  SELECT (SELECT quantile_disc(created_at, 0.01) FROM people) - INTERVAL 730 DAY AS people_from,
         (SELECT quantile_disc(created_at, 0.01) FROM opportunities) - INTERVAL 730 DAY AS deals_from)
SELECT 'people.created_at' AS field, person_id AS record_id, created_at AS value
  FROM people, bounds WHERE created_at < bounds.people_from
UNION ALL SELECT 'opportunities.created_at', opportunity_id, created_at
  FROM opportunities, bounds WHERE created_at < bounds.deals_from
