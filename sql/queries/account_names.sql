-- name: account_names
-- title: Every account by name, for choosing one to open its journey
-- reads: accounts
-- writes:
-- parameters:
-- columns:
--   account_id: the account
--   account_name: its name (its id when it has none)
SELECT account_id, coalesce(account_name, account_id) AS account_name FROM accounts
ORDER BY account_name, account_id
