-- name: duplicate_accounts
-- title: Accounts that share a name
-- description: Likely duplicates: their people and deals are split across two records.
-- severity: info
-- reads: accounts
-- import_warning:
-- columns:
--   account_name: the name, trimmed and in lower case
--   records: how many accounts have it
--   account_ids: their ids
SELECT lower(trim(account_name)) AS account_name, count(*) AS records,
       string_agg(account_id, ', ' ORDER BY account_id) AS account_ids
FROM accounts WHERE account_name IS NOT NULL GROUP BY 1 HAVING count(*) > 1
