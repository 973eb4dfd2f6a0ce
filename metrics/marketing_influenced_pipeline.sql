-- name: marketing_influenced_pipeline
-- title: Marketing-influenced pipeline
-- definition: The value of the deals opened in the quarter that at least one campaign response by their people
--   preceded (within the lookback before the deal was opened).
-- unit: currency
-- owner: joint
-- funnel_role: sales
-- direction: up
-- pairs_with:
-- grain: one row for the quarter
-- kind: headline
-- parameters: quarter_start, quarter_end, region, segment, by_account, primary_credit, lookback_hours
-- needs: opportunities, amounts, touches
-- uses:
-- measures: opportunity_facts
-- records: deals created; influenced by marketing; "Marketing-influenced"
-- columns:
--   value: sum of amount of opportunities created in the quarter with an eligible touch in the pipeline-basis window
--   deals: how many such opportunities
--   pipeline: sum of amount of every opportunity created in the quarter
--   influenced_share: value / pipeline (empty when there is no pipeline)
WITH created AS (
  SELECT amount, is_influenced FROM influenced_deals($by_account, $primary_credit, $lookback_hours)
  WHERE created_at >= $quarter_start AND created_at < $quarter_end AND in_scope(region, segment, $region, $segment)
),
final AS (
  SELECT coalesce(sum(amount) FILTER (WHERE is_influenced), 0) AS value,
         count(*) FILTER (WHERE is_influenced) AS deals,
         coalesce(sum(amount), 0) AS pipeline,
         coalesce(sum(amount) FILTER (WHERE is_influenced), 0) / nullif(sum(amount), 0) AS influenced_share
  FROM created
)
SELECT * FROM final
