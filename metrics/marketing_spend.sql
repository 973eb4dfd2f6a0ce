-- name: marketing_spend
-- title: Marketing spend
-- definition: What all marketing campaigns, awareness and demand generation together, cost in the quarter, from
--   their spend rows, else their actual cost, else their budget, spread evenly over the days each campaign ran.
-- unit: currency
-- owner: marketing
-- funnel_role: demand_gen
-- direction: down
-- pairs_with: bookings
-- grain: one row for the quarter (campaign cost has no region or segment, so those filters do not apply)
-- kind: headline
-- parameters: quarter_first_day, quarter_end_day
-- needs: spend
-- uses:
-- measures: campaign_spend, campaigns
-- records: campaign_costs in_period
-- columns:
--   value: cost of every campaign falling in the quarter
--   cost_from_budget: the part of it taken from budgeted cost because no actual cost was recorded (flagged)
WITH final AS (
  SELECT coalesce(sum(cost), 0) AS value,
         coalesce(sum(cost) FILTER (WHERE cost_basis = 'budgeted cost'), 0) AS cost_from_budget
  FROM campaign_costs($quarter_first_day, $quarter_end_day)
)
SELECT * FROM final
