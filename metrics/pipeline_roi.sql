-- name: pipeline_roi
-- title: Pipeline ROI
-- definition: Pipeline credited to campaigns for each unit of the corporate currency marketing spent in the quarter.
-- unit: ratio
-- owner: marketing
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row for the quarter (campaign cost has no region or segment, so those filters do not apply; every
--   model credits the same total to campaigns, the influenced pipeline, so the model of record does not change it)
-- kind: headline
-- parameters: quarter_start, quarter_first_day, quarter_end, quarter_end_day, by_account, primary_credit,
--   lookback_hours
-- needs: opportunities, amounts, touches, spend
-- uses: marketing_influenced_pipeline, marketing_spend
-- measures: campaign_spend, campaigns, opportunity_facts
-- records: deals created
-- columns:
--   value: attributed_pipeline / marketing_spend (empty when nothing was spent)
--   attributed_pipeline: amount of opportunities created in the quarter credited to campaigns (not unattributed):
--     the marketing-influenced pipeline, in every region and segment
--   marketing_spend: cost of every campaign falling in the quarter
WITH credited AS (
  SELECT value AS attributed_pipeline
  FROM metric_marketing_influenced_pipeline($quarter_start, $quarter_end, NULL, NULL, $by_account, $primary_credit,
                                            $lookback_hours)
),
spend AS (
  SELECT value AS marketing_spend FROM metric_marketing_spend($quarter_first_day, $quarter_end_day)
),
final AS (
  SELECT CAST(attributed_pipeline AS DOUBLE) / nullif(marketing_spend, 0) AS value, attributed_pipeline,
         marketing_spend
  FROM credited, spend
)
SELECT * FROM final
