-- name: canon_opportunities
-- title: Opportunities: the canonical file's rows, then every surviving deal
-- reads: stage_opportunities, hs_deals_read, hs_deal_company, hs_owner_keys
-- writes: canon_opportunities
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   opportunity_id: the deal
--   account_id: the first company listed on the deal, else its primary association
--   name: its name
--   owner_id: its owner's id (an owner named by name or email address is read as the owner's id)
--   created_at: when it was created
--   close_date: when it closed or is expected to
--   amount: its amount
--   stage: its stage's label
--   is_closed: the deal's own flags, else its pipeline stage's, else whether the stage is named Closed Won or Lost
--   is_won: the deal's own flags, else its pipeline stage's, else whether a closed deal's stage is named Closed Won
--   type: its type
--   forecast_category: the owner's forecast category (hs_manual_forecast_category)
--   lead_source: its original source
--   primary_campaign_id: its HubSpot campaign
--   currency: its currency (deal_currency_code), upper-cased; empty for the corporate currency
SELECT * FROM stage_opportunities
UNION ALL BY NAME
SELECT d._file, d._row, d.opportunity_id,
       coalesce(NULLIF(trim(regexp_split_to_array(d.account_ids, '[;,]')[1]), ''), dc.account_id) AS account_id,
       d.name, coalesce(k.user_id, d.owner_id) AS owner_id, d.created_at, d.close_date, d.amount,
       d.stage_label AS stage,
       coalesce(d.flag_closed, d.stage_word IN ('closedwon', 'closedlost'), false) AS is_closed,
       coalesce(d.flag_won, CASE WHEN coalesce(d.flag_closed, true) THEN d.stage_word = 'closedwon' END,
                false) AS is_won,
       d.type, d.forecast_category, d.lead_source, d.primary_campaign_id, upper(trim(d.currency)) AS currency
FROM hs_deals_read d LEFT JOIN hs_deal_company dc USING (opportunity_id)
LEFT JOIN hs_owner_keys k ON k.key = lower(trim(d.owner_id))
