-- name: campaign_costs
-- title: Campaigns
-- grain: one row per campaign with cost falling in the period; the costliest first
-- anchors: in_period = campaigns with cost
-- reads: campaigns, campaign_spend, _currency
-- parameters: quarter_first_day, quarter_end_day, awareness_channels
-- columns:
--   "Campaign ID": the campaign's id
--   "Campaign": its name
--   "Channel": its channel
--   "Funnel role": its funnel role (its own, else its channel's under the charter)
--   "Cost from": 'spend rows', 'actual cost' or 'budgeted cost'
--   "Cost in the period": its cost falling in the period, in the corporate currency
--   "Currency": the currency its costs were written in
--   "Recorded cost as written": its whole recorded cost in that currency: its spend rows' sum, else its actual cost,
--     else its budget
WITH final AS (
  SELECT k.campaign_id AS "Campaign ID", k.name AS "Campaign", k.channel AS "Channel",
         campaign_role(k.funnel_role, k.channel, $awareness_channels) AS "Funnel role", k.cost_basis AS "Cost from",
         k.cost AS "Cost in the period",
         coalesce(c.currency, (SELECT any_value(corporate) FROM _currency)) AS "Currency",
         coalesce(s.written, c.actual_cost, c.budgeted_cost) AS "Recorded cost as written"
  FROM campaign_costs($quarter_first_day, $quarter_end_day) k
  JOIN campaigns c ON c.campaign_id = k.campaign_id
  LEFT JOIN (SELECT campaign_id, sum(amount) AS written FROM campaign_spend GROUP BY campaign_id) s
    ON s.campaign_id = k.campaign_id
  WHERE k.cost <> 0
  ORDER BY "Cost in the period" DESC, "Campaign ID"
)
SELECT * FROM final
