-- name: lead_people_one_each
-- title: One row per person the leads belong to, when every lead is a person of its own
-- reads: stage_sf_leads
-- writes: lead_people
-- parameters:
-- columns:
--   person_id: the contact the lead was converted into, else the lead itself
--   is_converted: whether the lead was converted
--   _file: the lead's file
--   _row: the lead's spreadsheet row
--   title: the lead's title
--   persona: the lead's persona
--   lead_source: the lead's source
--   owner_id: the lead's owner
--   created_at: when the lead was created
--   country: the lead's country
--   converted_at: when the lead was converted
--   converted_account_id: the account it was converted into
--   converted_opportunity_id: the opportunity it was converted into
--   mql_at: the lead's MQL date
--   sal_at: the lead's SAL date
--   sql_at: the lead's SQL date
--   rejected_at: when the lead was rejected
--   rejection_reason: why, when it was
--   disqualified_at: when the lead was disqualified
--   disqualification_reason: why, when it was
--   recycled_at: when the lead was recycled
-- The merge's aggregates over one row are its values: arg_min ignores a row whose ordering value is empty, so a
-- value ordered by an empty date is empty here too.
SELECT coalesce(converted_contact_id, person_id) AS person_id,
       converted_contact_id IS NOT NULL AS is_converted, _file, _row,
       CASE WHEN created_at IS NOT NULL THEN title END AS title,
       CASE WHEN created_at IS NOT NULL THEN persona END AS persona,
       CASE WHEN created_at IS NOT NULL THEN lead_source END AS lead_source,
       CASE WHEN created_at IS NOT NULL THEN owner_id END AS owner_id,
       created_at, CASE WHEN created_at IS NOT NULL THEN country END AS country, converted_at,
       CASE WHEN created_at IS NOT NULL THEN converted_account_id END AS converted_account_id,
       CASE WHEN created_at IS NOT NULL THEN converted_opportunity_id END AS converted_opportunity_id,
       mql_at, sal_at, sql_at,
       rejected_at, CASE WHEN rejected_at IS NOT NULL THEN rejection_reason END AS rejection_reason,
       disqualified_at,
       CASE WHEN disqualified_at IS NOT NULL THEN disqualification_reason END AS disqualification_reason,
       recycled_at
FROM stage_sf_leads
