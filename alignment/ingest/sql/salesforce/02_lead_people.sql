-- name: lead_people
-- title: One row per person the leads belong to, leads of one person merged
-- reads: stage_sf_leads
-- writes: lead_people
-- parameters:
-- columns:
--   person_id: the contact a lead was converted into, else the lead itself
--   is_converted: whether any of the person's leads was converted
--   _file: the file of the person's first lead row
--   _row: the spreadsheet row of the person's first lead row
--   title: the earliest lead's title
--   persona: the earliest lead's persona
--   lead_source: the earliest lead's source
--   owner_id: the earliest lead's owner
--   created_at: when the earliest lead was created
--   country: the earliest lead's country
--   converted_at: the first conversion
--   converted_account_id: the earliest lead's converted account
--   converted_opportunity_id: the earliest lead's converted opportunity
--   mql_at: the earliest MQL date of the leads
--   sal_at: the earliest SAL date of the leads
--   sql_at: the earliest SQL date of the leads
--   rejected_at: the earliest rejection
--   rejection_reason: the reason given with the earliest rejection
--   disqualified_at: the earliest disqualification
--   disqualification_reason: the reason given with the earliest disqualification
--   recycled_at: the earliest recycling
SELECT coalesce(converted_contact_id, person_id) AS person_id,
       bool_or(converted_contact_id IS NOT NULL) AS is_converted,
       arg_min(_file, _row) AS _file, min(_row) AS _row,
       arg_min(title, created_at) AS title, arg_min(persona, created_at) AS persona,
       arg_min(lead_source, created_at) AS lead_source, arg_min(owner_id, created_at) AS owner_id,
       min(created_at) AS created_at, arg_min(country, created_at) AS country,
       min(converted_at) AS converted_at, arg_min(converted_account_id, created_at) AS converted_account_id,
       arg_min(converted_opportunity_id, created_at) AS converted_opportunity_id,
       min(mql_at) AS mql_at, min(sal_at) AS sal_at, min(sql_at) AS sql_at,
       min(rejected_at) AS rejected_at, arg_min(rejection_reason, rejected_at) AS rejection_reason,
       min(disqualified_at) AS disqualified_at,
       arg_min(disqualification_reason, disqualified_at) AS disqualification_reason,
       min(recycled_at) AS recycled_at
FROM stage_sf_leads GROUP BY ALL
