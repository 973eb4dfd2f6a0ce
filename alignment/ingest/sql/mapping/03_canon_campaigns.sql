-- name: canon_campaigns
-- title: Campaigns: the mapped files' rows
-- reads: stage_campaigns
-- writes: canon_campaigns
-- parameters: awareness
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   campaign_id: the campaign
--   name: its name
--   channel: its channel, in snake case
--   funnel_role: the campaign's own funnel role, else its channel's
--   objective: its objective
--   content: its content
--   targeting: whom it targets
--   start_date: its first day
--   end_date: its last day
--   budgeted_cost: its budget
--   actual_cost: what it cost
--   parent_campaign_id: the campaign it belongs to
--   owner_id: its owner
--   sales_sponsor_id: its sales sponsor
SELECT * REPLACE (coalesce(funnel_role, CASE WHEN channel IN (SELECT unnest($awareness::VARCHAR[]))
                                            THEN 'awareness' ELSE 'demand_gen' END) AS funnel_role)
FROM stage_campaigns
