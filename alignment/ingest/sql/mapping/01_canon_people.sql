-- name: canon_people
-- title: People: the mapped files' rows, without their lifecycle dates
-- reads: stage_map_people
-- writes: canon_people
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   person_id: the person
--   kind: lead or contact (contact when the mapping does not say)
--   account_id: the person's account
--   title: the person's title
--   persona: the person's persona
--   lead_source: the person's lead source
--   owner_id: the person's owner
--   created_at: when the person was created
--   converted_at: when the lead was converted
--   converted_opportunity_id: the opportunity the lead was converted into
--   country: the person's country
SELECT _file, _row, person_id, kind, account_id, title, persona, lead_source, owner_id, created_at, converted_at,
       converted_opportunity_id, country
FROM stage_map_people
