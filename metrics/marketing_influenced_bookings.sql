-- name: marketing_influenced_bookings
-- title: Marketing-influenced bookings
-- definition: The value of the deals won in the quarter that at least one campaign response by their people
--   preceded (within the lookback before the deal was opened).
-- unit: currency
-- owner: joint
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter (influence is the deal's own: an eligible touch in the pipeline-basis window,
--   whenever the deal was opened)
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, by_account, primary_credit, lookback_hours
-- needs: opportunities, amounts, touches
-- uses:
-- measures: opportunity_facts
-- records: deals won; influenced by marketing; "Marketing-influenced"
-- columns:
--   value: sum of amount of opportunities won with close date in the quarter that were influenced
--   deals: how many such opportunities
--   bookings: sum of amount of every opportunity won in the quarter
--   influenced_share: value / bookings (empty when there are no bookings)
WITH won AS (
  SELECT closed_amount AS amount, is_influenced FROM influenced_deals($by_account, $primary_credit, $lookback_hours)
  WHERE is_won AND closed_at >= $quarter_start AND closed_at < $quarter_end
    AND in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT coalesce(sum(amount) FILTER (WHERE is_influenced), 0) AS value,
         count(*) FILTER (WHERE is_influenced) AS deals,
         coalesce(sum(amount), 0) AS bookings,
         coalesce(sum(amount) FILTER (WHERE is_influenced), 0) / nullif(sum(amount), 0) AS influenced_share
  FROM won
)
SELECT * FROM final
