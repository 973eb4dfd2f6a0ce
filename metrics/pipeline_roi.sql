-- name: pipeline_roi
-- title: Pipeline ROI
-- definition: Pipeline credited to campaigns for each dollar marketing spent in the quarter.
-- unit: ratio
-- owner: marketing
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row for the quarter (campaign cost has no region or segment, so those filters do not apply; every
--   model credits the same total to campaigns, the influenced pipeline, so the model of record does not change it)
-- kind: headline
-- parameters: quarter_start, quarter_end, by_account, primary_credit, lookback_hours
-- needs: opportunities, amounts, touches, spend
-- columns:
--   value: attributed_pipeline / marketing_spend (empty when nothing was spent)
--   attributed_pipeline: amount of opportunities created in the quarter credited to campaigns (not unattributed)
--   marketing_spend: cost of every campaign falling in the quarter
WITH credited AS (
  SELECT coalesce(sum(amount) FILTER (WHERE is_influenced), 0) AS attributed_pipeline
  FROM influenced_deals($by_account, $primary_credit, $lookback_hours)
  WHERE created_at >= $quarter_start AND created_at < $quarter_end
),
spend AS (
  SELECT coalesce(sum(cost), 0) AS marketing_spend FROM campaign_costs($quarter_start, $quarter_end)
),
final AS (
  SELECT CAST(attributed_pipeline AS DOUBLE) / nullif(marketing_spend, 0) AS value, attributed_pipeline,
         marketing_spend
  FROM credited, spend
)
SELECT * FROM final
