-- name: campaign_plan
-- title: Campaign plan
-- definition: Every campaign that runs in the quarter, shown plainly: channel, funnel role, content, targeting,
--   dates, owner, sales sponsor, and budget against actual cost.
-- unit: currency
-- owner: joint
-- funnel_role: demand_gen
-- direction: up
-- pairs_with: pipeline
-- grain: one row per campaign whose dates overlap the quarter (campaigns without dates cannot be placed on a
--   timeline and are left out; campaign dates have no region or segment)
-- kind: breakdown
-- parameters: quarter_first_day, quarter_end_day, awareness_channels
-- needs:
-- uses:
-- measures:
-- records:
-- columns:
--   campaign_id: the campaign
--   campaign_name: its name
--   channel: its channel, lower case
--   funnel_role: awareness or demand_gen, its own or its channel's under the charter's mapping
--   objective: what it is for
--   content: what it offers or says
--   targeting: whom it reaches (region and segment as the campaign describes them)
--   start_date: its first day (its last day when it has no start)
--   end_date: its last day (its first day when it has no end)
--   owner_name: the marketer who runs it (their id when the user is unknown)
--   sales_sponsor_id: the sales sponsor's user id
--   sales_sponsor_name: the sales sponsor's name (their id when the user is unknown)
--   has_sales_sponsor: whether it names a sales sponsor (every initiative should)
--   is_program: whether other campaigns name it as their parent (an umbrella program)
--   budgeted_cost: its budget
--   actual_cost: what it actually cost
--   cost_over_budget: actual_cost - budgeted_cost (empty when either is missing)
--   cost_in_quarter: the part of its cost falling in the quarter, as awareness_spend and marketing_spend count it
WITH dated AS (
  SELECT c.*, coalesce(c.start_date, c.end_date) AS first_day, coalesce(c.end_date, c.start_date) AS last_day
  FROM corporate_campaigns() c
),
in_quarter AS (
  SELECT * FROM dated
  WHERE first_day < $quarter_end_day AND last_day >= $quarter_first_day
),
parents AS (
  SELECT DISTINCT parent_campaign_id AS campaign_id FROM campaigns WHERE parent_campaign_id IS NOT NULL
),
final AS (
  SELECT q.campaign_id, q.name AS campaign_name, lower(trim(q.channel)) AS channel,
         campaign_role(q.funnel_role, q.channel, $awareness_channels) AS funnel_role,
         q.objective, q.content, q.targeting, q.first_day AS start_date, q.last_day AS end_date,
         coalesce(o.name, q.owner_id) AS owner_name, q.sales_sponsor_id,
         coalesce(s.name, q.sales_sponsor_id) AS sales_sponsor_name,
         q.sales_sponsor_id IS NOT NULL AND trim(q.sales_sponsor_id) <> '' AS has_sales_sponsor,
         p.campaign_id IS NOT NULL AS is_program,
         q.budgeted_cost, q.actual_cost, q.actual_cost - q.budgeted_cost AS cost_over_budget,
         k.cost AS cost_in_quarter
  FROM in_quarter q
  LEFT JOIN users o ON o.user_id = q.owner_id
  LEFT JOIN users s ON s.user_id = q.sales_sponsor_id
  LEFT JOIN parents p ON p.campaign_id = q.campaign_id
  LEFT JOIN campaign_costs($quarter_first_day, $quarter_end_day) k ON k.campaign_id = q.campaign_id
  ORDER BY funnel_role, q.first_day, q.name, q.campaign_id
)
SELECT * FROM final
