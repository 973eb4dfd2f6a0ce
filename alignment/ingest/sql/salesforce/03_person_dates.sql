-- name: person_dates
-- title: One row per person, a converted lead and its contact as one (DESIGN §4.8)
-- reads: stage_sf_contacts, lead_people
-- writes: person_dates
-- parameters:
-- columns:
--   person_id: the contact's id, else the lead's
--   _file: the contact's file, else the lead's
--   _row: the contact's spreadsheet row, else the lead's
--   kind: contact when there is a contact or the lead was converted, else lead
--   account_id: the contact's account, else the lead's converted account
--   title: the contact's title, else the lead's
--   persona: the contact's persona, else the lead's
--   lead_source: the contact's source, else the lead's
--   owner_id: the contact's owner, else the lead's
--   created_at: the earlier creation of the two
--   converted_at: when the lead was converted
--   converted_opportunity_id: the opportunity the lead was converted into
--   country: the contact's country, else the lead's
--   mql_at: the earlier MQL date of the two
--   sal_at: the earlier SAL date of the two
--   sql_at: the earlier SQL date of the two
--   rejected_at: the earlier rejection of the two
--   rejection_reason: the reason given with the earlier rejection
--   disqualified_at: the earlier disqualification of the two
--   disqualification_reason: the reason given with the earlier disqualification
--   recycled_at: the earlier recycling of the two
SELECT coalesce(c.person_id, l.person_id) AS person_id,
       coalesce(c._file, l._file) AS _file, coalesce(c._row, l._row) AS _row,
       CASE WHEN c.person_id IS NOT NULL OR l.is_converted THEN 'contact' ELSE 'lead' END AS kind,
       coalesce(c.account_id, l.converted_account_id) AS account_id,
       coalesce(c.title, l.title) AS title, coalesce(c.persona, l.persona) AS persona,
       coalesce(c.lead_source, l.lead_source) AS lead_source, coalesce(c.owner_id, l.owner_id) AS owner_id,
       least(c.created_at, l.created_at) AS created_at,
       coalesce(l.converted_at, c.converted_at) AS converted_at,
       coalesce(l.converted_opportunity_id, c.converted_opportunity_id) AS converted_opportunity_id,
       coalesce(c.country, l.country) AS country,
       least(c.mql_at, l.mql_at) AS mql_at, least(c.sal_at, l.sal_at) AS sal_at,
       least(c.sql_at, l.sql_at) AS sql_at,
       least(c.rejected_at, l.rejected_at) AS rejected_at,
       CASE WHEN l.rejected_at IS NULL OR c.rejected_at <= l.rejected_at
            THEN coalesce(c.rejection_reason, l.rejection_reason)
            ELSE coalesce(l.rejection_reason, c.rejection_reason) END AS rejection_reason,
       least(c.disqualified_at, l.disqualified_at) AS disqualified_at,
       CASE WHEN l.disqualified_at IS NULL OR c.disqualified_at <= l.disqualified_at
            THEN coalesce(c.disqualification_reason, l.disqualification_reason)
            ELSE coalesce(l.disqualification_reason, c.disqualification_reason) END AS disqualification_reason,
       least(c.recycled_at, l.recycled_at) AS recycled_at
FROM stage_sf_contacts c FULL OUTER JOIN lead_people l ON l.person_id = c.person_id
