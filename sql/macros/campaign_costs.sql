-- name: campaign_costs
-- title: Each campaign's cost falling in the days [quarter_first_day, quarter_end_day) (DESIGN §4.6): its spend rows
--   of the period when it has any, else its actual cost (else budgeted cost, flagged) spread evenly over its days, first
--   and last included
-- arguments: quarter_first_day, quarter_end_day
-- returns: table
-- reads: corporate_spend, corporate_campaigns
-- columns:
--   campaign_id: the campaign
--   name: its name
--   channel: its channel as the CRM wrote it
--   funnel_role: the role the CRM gave it, if any (campaign_role decides the one to use)
--   cost_basis: where the cost comes from: spend rows, actual cost or budgeted cost
--   cost: its cost falling in the period, in the corporate currency (empty when its dates are reversed)
WITH spend AS (
  SELECT campaign_id,
         coalesce(sum(amount) FILTER (WHERE period_start >= quarter_first_day
                                        AND period_start < quarter_end_day), 0) AS in_period
  FROM corporate_spend() GROUP BY campaign_id),
spans AS (
  SELECT c.*, coalesce(c.start_date, c.end_date) AS first_day, coalesce(c.end_date, c.start_date) AS last_day
  FROM corporate_campaigns() c)
SELECT s.campaign_id, s.name, s.channel, s.funnel_role,
       CASE WHEN sp.campaign_id IS NOT NULL THEN 'spend rows'
            WHEN s.actual_cost IS NOT NULL THEN 'actual cost'
            WHEN s.budgeted_cost IS NOT NULL THEN 'budgeted cost' END AS cost_basis,
       CASE WHEN sp.campaign_id IS NOT NULL THEN sp.in_period
            WHEN s.last_day < s.first_day THEN NULL
            ELSE coalesce(s.actual_cost, s.budgeted_cost)
                 * greatest(0, least(s.last_day, quarter_end_day - 1)
                               - greatest(s.first_day, quarter_first_day) + 1)
                 / (s.last_day - s.first_day + 1) END AS cost
FROM spans s LEFT JOIN spend sp ON sp.campaign_id = s.campaign_id
