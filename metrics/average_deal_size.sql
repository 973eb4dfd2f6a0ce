-- name: average_deal_size
-- title: Average deal size
-- definition: The average value of a deal won in the quarter (bookings divided by the number of deals won).
-- unit: currency
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment
-- needs: opportunities, amounts
-- uses: bookings
-- measures: opportunity_facts
-- records: deals won
-- columns:
--   value: bookings / won deals closing in the quarter (empty when none was won)
--   bookings: sum of amount of won opportunities closing in the quarter
--   won_deals: how many won opportunities close in the quarter
WITH won AS (
  SELECT value AS bookings, won_deals FROM metric_bookings($quarter_start, $quarter_end, $region, $segment)
),
final AS (
  SELECT CAST(bookings AS DOUBLE) / nullif(won_deals, 0) AS value, bookings, won_deals FROM won
)
SELECT * FROM final
