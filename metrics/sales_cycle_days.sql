-- name: sales_cycle_days
-- title: Sales cycle
-- definition: The typical (median) number of days from opening a deal to winning it, over the deals won in the
--   quarter.
-- unit: days
-- owner: sales
-- funnel_role: sales
-- direction: down
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, time_zone
-- needs: opportunities
-- uses:
-- measures: opportunity_facts
-- records: deals won
-- columns:
--   value: median of calendar days from created_at to close_date, over won deals closing in the quarter (a deal
--     closing before it was created gives no duration)
--   won_deals: how many won opportunities close in the quarter
WITH won AS (
  SELECT * FROM deals()
  WHERE is_won AND closed_at >= $quarter_start AND closed_at < $quarter_end
    AND in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT median(days_between(created_at, closed_at, $time_zone)) AS value, count(*) AS won_deals FROM won
)
SELECT * FROM final
