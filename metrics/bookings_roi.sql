-- name: bookings_roi
-- title: Bookings ROI
-- definition: Bookings credited to campaigns for each unit of the corporate currency marketing spent in the quarter.
-- unit: ratio
-- owner: marketing
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: bookings
-- grain: one row for the quarter (campaign cost has no region or segment, so those filters do not apply; every
--   model credits the same total to campaigns, so the model of record does not change it)
-- kind: headline
-- parameters: quarter_start, quarter_first_day, quarter_end, quarter_end_day, by_account, primary_credit,
--   lookback_hours
-- needs: opportunities, amounts, touches, spend
-- uses: marketing_spend
-- measures: campaign_spend, campaigns, opportunity_facts
-- records: deals won
-- columns:
--   value: attributed_bookings / marketing_spend (empty when nothing was spent)
--   attributed_bookings: amount of opportunities won in the quarter with an eligible touch before the end of their
--     close date (bookings basis), i.e. credited to campaigns
--   marketing_spend: cost of every campaign falling in the quarter
WITH credited AS (
  SELECT coalesce(sum(closed_amount) FILTER (WHERE has_bookings_touch), 0) AS attributed_bookings
  FROM influenced_deals($by_account, $primary_credit, $lookback_hours)
  WHERE is_won AND closed_at >= $quarter_start AND closed_at < $quarter_end
),
spend AS (
  SELECT value AS marketing_spend FROM metric_marketing_spend($quarter_first_day, $quarter_end_day)
),
final AS (
  SELECT CAST(attributed_bookings AS DOUBLE) / nullif(marketing_spend, 0) AS value, attributed_bookings,
         marketing_spend
  FROM credited, spend
)
SELECT * FROM final
