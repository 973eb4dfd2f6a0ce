-- name: dates_after_as_of
-- title: Records dated after the data's as-of
-- description: A stage, activity, response or close date on a day after the data's as-of (the day the latest
--    person, deal or account in the extract was created): most likely a typing error, and it can move a number into
--    a quarter that has not happened yet.
-- severity: warning
-- reads: people, opportunities, accounts, lifecycle_events, sales_activities, campaign_members
-- import_warning:
-- columns:
--   field: the table and column dated after the as-of
--   record_id: the record
--   value: the date
WITH cutoff AS (
  SELECT CAST(greatest((SELECT max(created_at) FROM people), (SELECT max(created_at) FROM opportunities),
                       (SELECT max(created_at) FROM accounts)) AS DATE) AS day)
SELECT 'lifecycle_events.occurred_at' AS field, person_id AS record_id, occurred_at AS value
  FROM lifecycle_events, cutoff WHERE CAST(occurred_at AS DATE) > cutoff.day
UNION ALL SELECT 'sales_activities.occurred_at', activity_id, occurred_at FROM sales_activities, cutoff
  WHERE CAST(occurred_at AS DATE) > cutoff.day
UNION ALL SELECT 'campaign_members.first_responded_at', person_id, first_responded_at
  FROM campaign_members, cutoff WHERE CAST(first_responded_at AS DATE) > cutoff.day
UNION ALL SELECT 'opportunities.close_date (closed)', opportunity_id, CAST(close_date AS TIMESTAMP)
  FROM opportunities, cutoff WHERE is_closed AND close_date > cutoff.day
