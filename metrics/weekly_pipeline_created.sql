-- name: weekly_pipeline_created
-- title: Weekly pipeline created
-- definition: The total value of the deals opened in each week up to the end of the quarter.
-- unit: currency
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row per week (starting Monday) with a deal opened, every week before the quarter's end, none when no
--   deal was opened in the quarter itself; all regions and segments together (the estimate is company-wide)
-- kind: breakdown
-- parameters: quarter_start, quarter_end, time_zone
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   week_start: the Monday the week starts on (days of the warehouse's time zone)
--   pipeline: sum of amount (empty = 0) of the opportunities created in the week
--   deals: how many opportunities were created in the week
WITH created AS (
  SELECT CAST(date_trunc('week', local_day(created_at, $time_zone)) AS DATE) AS week_start, amount FROM deals()
  WHERE created_at < $quarter_end
),
final AS (
  SELECT week_start, sum(amount) AS pipeline, count(*) AS deals FROM created
  WHERE EXISTS (SELECT 1 FROM deals() WHERE created_at >= $quarter_start AND created_at < $quarter_end)
  GROUP BY week_start ORDER BY week_start
)
SELECT * FROM final
