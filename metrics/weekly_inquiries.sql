-- name: weekly_inquiries
-- title: Weekly inquiries
-- definition: New people, leads and contacts, who entered the funnel in each week up to the end of the quarter.
-- unit: count
-- owner: marketing
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row per week (starting Monday) with a person created, every week before the quarter's end, none when
--   nobody was created in the quarter itself; all regions and segments together (the estimate is company-wide)
-- kind: breakdown
-- parameters: quarter_start, quarter_end, time_zone
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   week_start: the Monday the week starts on (days of the warehouse's time zone)
--   inquiries: people created in the week
WITH created AS (
  SELECT CAST(date_trunc('week', local_day(created_at, $time_zone)) AS DATE) AS week_start FROM people WHERE created_at < $quarter_end
),
final AS (
  SELECT week_start, count(*) AS inquiries FROM created
  WHERE EXISTS (SELECT 1 FROM people WHERE created_at >= $quarter_start AND created_at < $quarter_end)
  GROUP BY week_start ORDER BY week_start
)
SELECT * FROM final
