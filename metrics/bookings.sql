-- name: bookings
-- title: Bookings
-- definition: The total value of the deals won with a close date in the quarter.
-- unit: currency
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment
-- needs: opportunities, amounts
-- uses:
-- measures: opportunity_facts
-- records: deals won
-- columns:
--   value: sum of amount (empty = 0) of won opportunities whose close_date is in the quarter, in the corporate
--     currency at the rate of their close date
--   won_deals: how many such opportunities
WITH won AS (
  SELECT * FROM deals()
  WHERE is_won AND closed_at >= $quarter_start AND closed_at < $quarter_end
    AND in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT coalesce(sum(closed_amount), 0) AS value, count(*) AS won_deals FROM won
)
SELECT * FROM final
