-- name: win_rate_value
-- title: Win rate (value)
-- definition: Of the value of the deals closed in the quarter, the share that was won.
-- unit: percent
-- owner: sales
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment
-- needs: opportunities, amounts, lost_deals
-- uses:
-- measures: opportunity_facts
-- records: deals closed
-- columns:
--   value: won amount / closed amount among closed opportunities with close_date in the quarter, as a fraction
--   won_amount: amount of the closed and won ones
--   closed_amount: amount of all closed ones
WITH closed AS (
  SELECT * FROM deals()
  WHERE is_closed AND closed_at >= $quarter_start AND closed_at < $quarter_end
    AND in_scope(region, segment, $region, $segment)
),
amounts AS (
  SELECT coalesce(sum(closed_amount) FILTER (WHERE is_won), 0) AS won_amount,
         coalesce(sum(closed_amount), 0) AS closed_amount
  FROM closed
),
final AS (
  SELECT CAST(won_amount AS DOUBLE) / nullif(closed_amount, 0) AS value, won_amount, closed_amount FROM amounts
)
SELECT * FROM final
