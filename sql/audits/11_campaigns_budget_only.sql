-- name: campaigns_budget_only
-- title: Campaigns costed from budget only
-- description: No actual cost was recorded, so the budgeted cost stands in for it (flagged wherever cost is shown).
-- severity: info
-- reads: campaigns, campaign_spend
-- import_warning:
-- columns:
--   campaign_id: the campaign
--   name: its name
--   channel: its channel
--   budgeted_cost: its budget, which stands in for its cost
SELECT c.campaign_id, c.name, c.channel, c.budgeted_cost FROM campaigns c
WHERE c.actual_cost IS NULL AND c.budgeted_cost IS NOT NULL
  AND c.campaign_id NOT IN (SELECT campaign_id FROM campaign_spend)
