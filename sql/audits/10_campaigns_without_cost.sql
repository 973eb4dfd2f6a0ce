-- name: campaigns_without_cost
-- title: Campaigns with no cost
-- description: No actual cost, no budget and no spend rows: cost per lead and ROI cannot be computed for them.
-- severity: warning
-- reads: campaigns, campaign_spend
-- import_warning:
-- columns:
--   campaign_id: the campaign
--   name: its name
--   channel: its channel
SELECT c.campaign_id, c.name, c.channel FROM campaigns c
WHERE c.actual_cost IS NULL AND c.budgeted_cost IS NULL
  AND c.campaign_id NOT IN (SELECT campaign_id FROM campaign_spend)
