-- name: hs_deals_read
-- title: Each surviving deal with its stage's label and the closed and won flags read for it
-- reads: stage_hs_deals, hs_stage_keys, hs_deal_ids
-- writes: hs_deals_read
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   opportunity_id: the deal
--   name: its name
--   owner_id: its owner as exported
--   created_at: when it was created
--   close_date: when it closed or is expected to
--   amount: its amount
--   stage: its stage as exported
--   pipeline: its pipeline
--   is_closed: HubSpot's closed flag, when exported
--   is_won: HubSpot's closed-won flag, when exported
--   is_lost: HubSpot's closed-lost flag, when exported
--   type: its type
--   forecast_category: the owner's forecast category (hs_manual_forecast_category)
--   lead_source: its original source
--   primary_campaign_id: its HubSpot campaign
--   account_ids: the companies listed on it
--   contact_ids: the contacts listed on it
--   is_deleted: whether it is marked deleted
--   currency: the deal's currency (deal_currency_code), empty for the corporate currency
--   stage_label: the stage's label from the pipeline stages, else the stage as exported
--   flag_closed: closed from the deal's own flags, else its pipeline stage's
--   flag_won: won from the deal's own flags, else its pipeline stage's
--   stage_word: the stage's label in lower-case letters only (closedwon, closedlost …)
SELECT d.*, coalesce(st.label, d.stage) AS stage_label,
       coalesce(d.is_closed, CASE WHEN d.is_won OR d.is_lost THEN true
                                  WHEN NOT d.is_won AND NOT d.is_lost THEN false END,
                st.is_closed) AS flag_closed,
       coalesce(d.is_won, st.is_won, CASE WHEN d.is_lost THEN false END) AS flag_won,
       regexp_replace(lower(coalesce(st.label, d.stage)), '[^a-z]', '', 'g') AS stage_word
FROM stage_hs_deals d LEFT JOIN hs_stage_keys st ON st.key = lower(d.stage)
WHERE d.opportunity_id IN (SELECT source_id FROM hs_deal_ids WHERE source_id = opportunity_id)
