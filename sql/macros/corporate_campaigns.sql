-- name: corporate_campaigns
-- title: Every campaign with its costs in the corporate currency (corporate_amount), converted at the rate of its
--   start date (its end date when it has no start): what every cost a metric adds up reads
-- arguments:
-- returns: table
-- reads: campaigns, corporate_amount
-- columns:
--   campaign_id: the campaign
--   name: its name
--   channel: its channel as the CRM wrote it
--   funnel_role: the role the CRM gave it, if any
--   objective: its objective
--   content: its content
--   targeting: whom it targets
--   start_date: its first day
--   end_date: its last day
--   budgeted_cost: its budget in the corporate currency
--   actual_cost: what it cost in the corporate currency
--   parent_campaign_id: the campaign it belongs to
--   owner_id: its owner
--   sales_sponsor_id: its sales sponsor
--   currency: the currency its costs were written in (empty: the corporate currency)
--   original_budgeted_cost: its budget as written, in that currency
--   original_actual_cost: what it cost as written, in that currency
SELECT * REPLACE (corporate_amount(budgeted_cost, currency, coalesce(start_date, end_date)) AS budgeted_cost,
                  corporate_amount(actual_cost, currency, coalesce(start_date, end_date)) AS actual_cost),
       budgeted_cost AS original_budgeted_cost, actual_cost AS original_actual_cost
FROM campaigns
