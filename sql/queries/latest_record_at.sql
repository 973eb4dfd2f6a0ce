-- name: latest_record_at
-- title: The latest moment any record describes: the data's "as of" for cohorts and freshness
-- reads: people, lifecycle_events, opportunities, sales_activities, campaign_members
-- writes:
-- parameters:
-- columns:
--   latest_record_at: the latest creation, stage, deal, activity or response
SELECT max(t) AS latest_record_at FROM (
  SELECT max(created_at) AS t FROM people UNION ALL SELECT max(occurred_at) FROM lifecycle_events
  UNION ALL SELECT max(created_at) FROM opportunities UNION ALL SELECT max(occurred_at) FROM sales_activities
  UNION ALL SELECT max(first_responded_at) FROM campaign_members)
