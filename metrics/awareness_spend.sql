-- name: awareness_spend
-- title: Awareness spend
-- definition: What awareness campaigns (TV, radio, billboards, social, PR and the like) cost in the quarter, from
--   their spend rows, else their actual cost, else their budget, spread evenly over the days each campaign ran.
-- unit: currency
-- owner: marketing
-- funnel_role: awareness
-- direction: down
-- pairs_with: pipeline
-- grain: one row for the quarter (campaign cost has no region or segment, so those filters do not apply)
-- kind: headline
-- parameters: quarter_first_day, quarter_end_day, awareness_channels
-- needs: spend
-- uses:
-- measures: campaign_spend, campaigns
-- records: campaign_costs in_period; in the awareness role; "Funnel role" = 'awareness'
-- columns:
--   value: cost of awareness-role campaigns falling in the quarter
--   cost_from_budget: the part of it taken from budgeted cost because no actual cost was recorded (flagged)
WITH awareness_costs AS (
  SELECT * FROM campaign_costs($quarter_first_day, $quarter_end_day)
  WHERE campaign_role(funnel_role, channel, $awareness_channels) = 'awareness'
),
final AS (
  SELECT coalesce(sum(cost), 0) AS value,
         coalesce(sum(cost) FILTER (WHERE cost_basis = 'budgeted cost'), 0) AS cost_from_budget
  FROM awareness_costs
)
SELECT * FROM final
