-- name: canon_accounts
-- title: Accounts: the canonical file's rows, then every company not marked deleted
-- reads: stage_accounts, stage_hs_companies, hs_owner_keys
-- writes: canon_accounts
-- parameters:
-- columns:
--   _file: the file the row came from
--   _row: its spreadsheet row
--   account_id: the company's id
--   account_name: its name
--   industry: its industry
--   segment: its segment
--   region: its region
--   employees: how many people it employs
--   annual_revenue: its annual revenue
--   is_target_account: whether sales targets it
--   owner_id: its owner's id (an owner named by name or email address is read as the owner's id)
--   created_at: when it was created
SELECT * FROM stage_accounts
UNION ALL BY NAME
SELECT c._file, c._row, c.account_id, c.account_name, c.industry, c.segment, c.region, c.employees,
       c.annual_revenue, c.is_target_account, coalesce(k.user_id, c.owner_id) AS owner_id, c.created_at
FROM stage_hs_companies c LEFT JOIN hs_owner_keys k ON k.key = lower(trim(c.owner_id))
WHERE NOT coalesce(c.is_deleted, false)
