-- name: hs_users
-- title: The owners file's owners, each with a name
-- reads: stage_hs_owners
-- writes: hs_users
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   user_id: the owner's id
--   name: its name, else its first and last names
--   team: its team
--   email: its email address
SELECT _file, _row, user_id,
       coalesce(name, NULLIF(trim(concat_ws(' ', first_name, last_name)), '')) AS name, team, email
FROM stage_hs_owners
