-- name: campaign_cost
-- title: Campaign cost in the quarter
-- definition: What each campaign cost in the quarter and where that figure comes from (spend rows, actual cost, or
--   budget standing in for a missing actual cost).
-- unit: currency
-- owner: marketing
-- funnel_role: demand_gen
-- direction: down
-- pairs_with: pipeline
-- grain: one row per campaign with cost falling in the quarter
-- kind: breakdown
-- parameters: quarter_first_day, quarter_end_day, awareness_channels
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   campaign_id: the campaign
--   campaign_name: its name
--   channel: its channel
--   funnel_role: awareness or demand_gen (its own, else its channel's)
--   cost_basis: 'spend rows', 'actual cost' or 'budgeted cost' (flagged: no actual cost recorded)
--   cost: its cost falling in the quarter
WITH costs AS (
  SELECT campaign_id, name AS campaign_name, channel,
         campaign_role(funnel_role, channel, $awareness_channels) AS funnel_role, cost_basis, cost
  FROM campaign_costs($quarter_first_day, $quarter_end_day)
),
final AS (
  SELECT * FROM costs WHERE cost > 0 ORDER BY cost DESC, campaign_id
)
SELECT * FROM final
