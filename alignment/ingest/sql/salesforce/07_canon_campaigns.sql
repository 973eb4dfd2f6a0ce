-- name: canon_campaigns
-- title: Campaigns: the canonical file's rows, then every Salesforce campaign
-- reads: stage_campaigns, stage_sf_campaigns
-- writes: canon_campaigns
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   campaign_id: the campaign
--   name: its name
--   channel: Channel__c, else the campaign's Type, in snake case; unspecified when neither is given
--   funnel_role: the funnel role the export gives the campaign (Funnel_Role__c), else empty: the charter's channel
--      roles decide it when a number is asked for
--   objective: its objective
--   content: its content, else its description
--   targeting: whom it targets
--   start_date: its first day
--   end_date: its last day
--   budgeted_cost: its budget
--   actual_cost: what it cost
--   parent_campaign_id: the campaign it belongs to
--   owner_id: its owner
--   sales_sponsor_id: its sales sponsor
--   currency: the currency of its costs (CurrencyIsoCode), empty for the corporate currency
SELECT * FROM stage_campaigns
UNION ALL BY NAME
SELECT _file, _row, campaign_id, name, channel, funnel_role, objective, coalesce(content, description) AS content,
       targeting, start_date, end_date, budgeted_cost, actual_cost, parent_campaign_id, owner_id, sales_sponsor_id,
       upper(trim(currency)) AS currency
FROM (SELECT * REPLACE (coalesce(snake_text(channel), snake_text(type), 'unspecified') AS channel)
      FROM stage_sf_campaigns)
