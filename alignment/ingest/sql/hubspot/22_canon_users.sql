-- name: canon_users
-- title: Users: the canonical file's rows, then the owners file; without either, each owner the exports name
-- reads: stage_users, hs_users, stage_hs_contacts, stage_hs_companies, stage_hs_deals, stage_hs_owners
-- writes: canon_users
-- parameters:
-- columns:
--   _file: the file the row came from (the first naming the owner)
--   _row: its spreadsheet row
--   user_id: the user (an owner named by the exports is its own id)
--   name: its name (an owner named by something other than digits is named by it)
--   team: its team
--   region: its region (not exported)
--   manager_id: its manager (not exported)
SELECT * FROM stage_users
UNION ALL BY NAME
SELECT _file, _row, user_id, name, team, NULL::VARCHAR AS region, NULL::VARCHAR AS manager_id FROM hs_users
UNION ALL BY NAME
SELECT min(_file) AS _file, min(_row) AS _row, owner_id AS user_id,
       CASE WHEN NOT regexp_full_match(owner_id, '\d+') THEN owner_id END AS name
FROM (SELECT _file, _row, owner_id FROM stage_hs_contacts UNION ALL SELECT _file, _row, owner_id
      FROM stage_hs_companies UNION ALL SELECT _file, _row, owner_id FROM stage_hs_deals)
WHERE owner_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM stage_hs_owners)
  AND NOT EXISTS (SELECT 1 FROM stage_users)
GROUP BY owner_id
